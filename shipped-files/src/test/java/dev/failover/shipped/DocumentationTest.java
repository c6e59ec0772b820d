package dev.failover.shipped;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The README is a first screen and a map (at most 10 KB, the two commands first, a table of contents), the reference
 * material lives in docs/, and no link of the README or of docs/ points at a file or heading that is not there (moving
 * a section must not leave a dead link behind).
 */
class DocumentationTest {

    static final Path ROOT = Repository.ROOT;
    static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    static final Pattern HEADING = Pattern.compile("(?m)^#+ (.*)$");

    @Test
    void theReadmeIsAFirstScreenAndAMap() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        assertThat(Files.size(ROOT.resolve("README.md"))).as("README.md bytes").isLessThanOrEqualTo(10 * 1024);
        String firstBlock = readme.substring(readme.indexOf("```\n") + 4,
                readme.indexOf("```", readme.indexOf("```\n") + 4));
        List<String> commands = firstBlock.lines().filter(line -> !line.isBlank()).map(line -> line.split("\\s+")[0])
                .toList();
        assertThat(commands).as("the README's first commands").containsExactly("./scripts/demo.sh",
                "./scripts/test.sh");
        assertThat(readme).as("a table of contents").contains("## Contents");
        // the first screen: the pitch, the two commands, what the operator sees (a status sample) and the contents
        List<String> firstScreen = readme.lines().limit(40).toList();
        assertThat(firstScreen).as("README's first 40 lines hold the table of contents").contains("## Contents");
        assertThat(firstScreen).as("README's first 40 lines hold a status sample")
                .anyMatch(line -> line.startsWith("group ") && line.contains("epoch"));
        for (String doc : List.of("docs/deploy-eks.md", "docs/configuration.md", "docs/api.md", "docs/failoverctl.md",
                "docs/security.md", "docs/development.md", "docs/modules.md", "docs/release.md")) {
            assertThat(readme).as("README links " + doc).contains("](" + doc + ")");
        }
    }

    /** docs/modules.md has a section per module the root pom builds, so that a module added is a module described. */
    @Test
    void everyModuleHasItsSectionInTheModulesDoc() throws IOException {
        Matcher module = Pattern.compile("<module>([^<]+)</module>").matcher(Files.readString(ROOT.resolve("pom.xml")));
        List<String> modules = new ArrayList<>();
        while (module.find()) {
            modules.add(module.group(1));
        }
        String doc = Files.readString(ROOT.resolve("docs/modules.md"));
        assertThat(modules).as("the root pom's modules").isNotEmpty().allSatisfy(name -> assertThat(doc)
                .as("docs/modules.md, a section for " + name).contains("\n## `" + name + "`\n"));
    }

    /** Every decision record is in the index a newcomer starts from (docs/adr/README.md), and the index has no other. */
    @Test
    void everyDecisionRecordIsInTheIndex() throws IOException {
        Path adr = ROOT.resolve("docs/adr");
        List<String> records;
        try (Stream<Path> files = Files.list(adr)) {
            records = files.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d{4}-.*\\.md")).sorted()
                    .toList();
        }
        Matcher link = LINK.matcher(Files.readString(adr.resolve("README.md")));
        List<String> indexed = new ArrayList<>();
        while (link.find()) {
            indexed.add(link.group(1));
        }
        assertThat(indexed).as("the records docs/adr/README.md links, in order").isEqualTo(records);
    }

    @Test
    void everyRelativeLinkResolves() throws IOException {
        List<Path> files = new ArrayList<>(List.of(ROOT.resolve("README.md"), ROOT.resolve("CHANGELOG.md")));
        try (Stream<Path> docs = Files.walk(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).forEach(files::add);
        }
        List<String> dead = new ArrayList<>();
        for (Path file : files) {
            Matcher link = LINK.matcher(Files.readString(file));
            while (link.find()) {
                String target = link.group(1);
                if (target.matches("^[a-z]+:.*")) {
                    continue;
                }
                int hash = target.indexOf('#');
                String path = hash < 0 ? target : target.substring(0, hash);
                Path resolved = path.isEmpty() ? file : file.getParent().resolve(path).normalize();
                if (!Files.exists(resolved)) {
                    dead.add(ROOT.relativize(file) + ": " + target + " (no such file)");
                } else if (hash >= 0 && resolved.toString().endsWith(".md")
                        && !anchors(Files.readString(resolved)).contains(target.substring(hash + 1))) {
                    dead.add(ROOT.relativize(file) + ": " + target + " (no such heading)");
                }
            }
        }
        assertThat(dead).as("dead links").isEmpty();
    }

    /** GitHub's anchors of a Markdown file's headings: lower case, punctuation dropped, spaces to dashes. */
    static List<String> anchors(String markdown) {
        List<String> anchors = new ArrayList<>();
        Matcher heading = HEADING.matcher(markdown);
        while (heading.find()) {
            anchors.add(heading.group(1).trim().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}_\\- ]", "")
                    .replace(' ', '-'));
        }
        return anchors;
    }
}
