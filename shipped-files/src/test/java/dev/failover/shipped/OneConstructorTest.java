package dev.failover.shipped;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A class of main code offers one public constructor (a record: besides its canonical one). Each convenience overload
 * was added for a test or for one caller, and every new collaborator then grew all of them; a test that wants fewer
 * arguments builds its value through a factory in test sources ({@code Engines.minimal}, {@code TrafficPlans.of}), and
 * a caller with optional parts passes a settings record. An exception keeps the pair Java's own have: a message, and a
 * message with its cause.
 */
class OneConstructorTest {

    /** A class or record declared in a file, top-level or nested, and what it extends. */
    static final Pattern TYPE = Pattern.compile("\\b(class|record)\\s+(\\w+)(?:\\s*<[^>{]*>)?(?:\\s*\\([^{]*\\))?"
            + "(?:\\s+extends\\s+([\\w.]+))?");

    @Test
    void everyClassOfMainCodeHasOnePublicConstructor() {
        Map<String, Integer> counts = new TreeMap<>();
        Repository.mainSources().forEach(main -> publicConstructors(main)
                .forEach((type, count) -> counts.merge(type, count, Math::max)));
        Map<String, Integer> more = new TreeMap<>(counts);
        more.entrySet().removeIf(e -> e.getValue() <= allowed(e.getKey()));
        assertThat(more).as("classes of main code with more than one public constructor").isEmpty();
    }

    /** The counter finds what it is for: every class and record of a file, public or protected, generic or not. */
    @Test
    void theCounterCountsTheFilesOwnPublicConstructors(@TempDir Path main) throws IOException {
        Files.writeString(main.resolve("Two.java"), """
                public final class Two {
                    public Two(int a) {
                        this(a, 1);
                    }

                    protected <T> Two(int a, int b) {
                    }

                    Two() {
                    }

                    static final class Inner {
                        public Inner(int a) {
                        }

                        public Inner() {
                        }
                    }
                }
                """);
        Files.writeString(main.resolve("Rec.java"), """
                public record Rec(int a, int b) {
                    public Rec {
                    }

                    public Rec(int a) {
                        this(a, 0);
                    }
                }
                """);
        Files.writeString(main.resolve("Bad.java"), """
                public class Bad extends IllegalStateException {
                    public Bad(String message) {
                        super(message);
                    }

                    public Bad(String message, Throwable cause) {
                        super(message, cause);
                    }
                }
                """);
        Map<String, Integer> counted = publicConstructors(main);
        assertThat(counted).containsEntry("Two.java:Two", 2).containsEntry("Two.java:Inner", 2)
                .containsEntry("Rec.java:Rec", 1).containsEntry("Bad.java:Bad:exception", 2);
        assertThat(counted.entrySet().stream().filter(e -> e.getValue() > allowed(e.getKey())).map(Map.Entry::getKey))
                .containsExactlyInAnyOrder("Two.java:Two", "Two.java:Inner");
    }

    /** One, or two for an exception (a message, and a message with its cause). */
    static int allowed(String key) {
        return key.endsWith(":exception") ? 2 : 1;
    }

    /**
     * By file and type name ({@code :exception} added for an exception): the public and protected constructors of each
     * class and record the file declares, nested ones included.
     */
    static Map<String, Integer> publicConstructors(Path main) {
        Map<String, Integer> counts = new TreeMap<>();
        try (Stream<Path> files = Files.walk(main)) {
            files.filter(f -> f.toString().endsWith(".java") && !f.getFileName().toString().equals("package-info.java"))
                    .forEach(file -> {
                        String source = read(file);
                        Matcher type = TYPE.matcher(source);
                        while (type.find()) {
                            String name = type.group(2);
                            boolean isException = type.group(3) != null
                                    && type.group(3).matches(".*(Exception|Error)");
                            Matcher constructor = Pattern.compile("(?m)^\\s*(public|protected)\\s+(<[^>]*>\\s*)?"
                                    + Pattern.quote(name) + "\\s*\\(").matcher(source);
                            int count = 0;
                            while (constructor.find()) {
                                count++;
                            }
                            counts.merge(file.getFileName() + ":" + name + (isException ? ":exception" : ""), count,
                                    Math::max);
                        }
                    });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return counts;
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
