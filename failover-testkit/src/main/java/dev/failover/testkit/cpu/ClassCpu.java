package dev.failover.testkit.cpu;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * What each test class cost: its wall time and the CPU time of the test JVM and of every process it started, one line per
 * top-level class in {@code target/test-cpu/PID.tsv} ({@code class, wall ms, CPU ms}), read by scripts/suite-times.sh
 * (docs/development.md, "Where the suite's time goes"). The suite is CPU-bound on two cores, so a class's CPU-seconds,
 * not its wall time beside another fork, say what running it costs.
 * <p>
 * The CPU is that of the JVM itself and of its children once they ended and were waited for ({@code /proc/self/stat}'s
 * utime, stime, cutime and cstime): a packaged service, a PostgreSQL server, BIND, each with what it started in turn. A
 * process that leaves the JVM's tree (a broker scripts/kafka.sh puts in the background) is counted by whoever stops it,
 * through {@link #detached(long)}, just before it ends. Processes podman runs (conmon and the containers) are in neither.
 * <p>
 * Registered for every module whose tests have the testkit (META-INF/services); it costs two small file reads a class.
 */
public final class ClassCpu implements TestExecutionListener {

    /**
     * The kernel's clock ticks a second as /proc reports them (USER_HZ): 100 on every Linux architecture the suite runs
     * on, fixed by the kernel's user ABI whatever its internal HZ.
     */
    static final long TICKS_PER_SECOND = 100;

    /** CPU ticks of processes outside the JVM's tree that ended while the current classes ran. */
    private static final AtomicLong DETACHED = new AtomicLong();

    private final Path dir;
    private final Map<String, long[]> started = new ConcurrentHashMap<>();
    private volatile TestPlan plan;

    /** As the launcher registers it: the lines go to the module's target/test-cpu. */
    public ClassCpu() {
        this(Path.of("target", "test-cpu"));
    }

    ClassCpu(Path dir) {
        this.dir = dir;
    }

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        this.plan = testPlan;
    }

    @Override
    public void executionStarted(TestIdentifier identifier) {
        if (isTopLevelClass(identifier)) {
            started.put(identifier.getUniqueId(), new long[] { System.nanoTime(), ticks() + DETACHED.get() });
        }
    }

    @Override
    public void executionFinished(TestIdentifier identifier, TestExecutionResult result) {
        long[] at = started.remove(identifier.getUniqueId());
        if (at == null) {
            return;
        }
        long wallMillis = (System.nanoTime() - at[0]) / 1_000_000;
        long cpuMillis = (ticks() + DETACHED.get() - at[1]) * 1000 / TICKS_PER_SECOND;
        String name = ((ClassSource) identifier.getSource().orElseThrow()).getClassName();
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(ProcessHandle.current().pid() + ".tsv"),
                    name + "\t" + wallMillis + "\t" + cpuMillis + "\n", StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the test class's CPU time", e);
        }
    }

    /**
     * Counts the CPU time of a process outside the test JVM's tree that is about to be stopped: call it just before
     * stopping it. A process already gone counts nothing.
     */
    public static void detached(long pid) {
        try {
            long[] fields = stat(Path.of("/proc", Long.toString(pid), "stat"));
            DETACHED.addAndGet(fields[0] + fields[1] + fields[2] + fields[3]);
        } catch (NoSuchFileException gone) {
            // it ended already: nothing to add
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the CPU time of process " + pid, e);
        }
    }

    private boolean isTopLevelClass(TestIdentifier identifier) {
        TestPlan current = plan;
        return identifier.isContainer() && identifier.getSource().filter(ClassSource.class::isInstance).isPresent()
                && current != null && current.getParent(identifier).filter(p -> p.getSource()
                        .filter(ClassSource.class::isInstance).isPresent()).isEmpty();
    }

    /** The JVM's own CPU ticks and those of its waited-for children. */
    private static long ticks() {
        try {
            long[] fields = stat(Path.of("/proc/self/stat"));
            return fields[0] + fields[1] + fields[2] + fields[3];
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/self/stat", e);
        }
    }

    /**
     * utime, stime, cutime and cstime of a /proc/PID/stat: fields 14 to 17, counted after the command's closing
     * parenthesis, since the command may hold spaces.
     */
    static long[] stat(Path file) throws IOException {
        String line = Files.readString(file);
        String[] after = line.substring(line.lastIndexOf(')') + 2).split(" ");
        return new long[] { Long.parseLong(after[11]), Long.parseLong(after[12]), Long.parseLong(after[13]),
                Long.parseLong(after[14]) };
    }
}
