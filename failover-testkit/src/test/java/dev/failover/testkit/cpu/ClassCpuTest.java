package dev.failover.testkit.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

class ClassCpuTest {

    @Test
    void theFourTimesAreReadAfterTheCommandWhateverItHolds(@TempDir Path dir) throws IOException {
        Path stat = dir.resolve("stat");
        Files.writeString(stat, "4242 (a (b) c) S 1 4242 4242 0 -1 4194560 500 0 0 0 17 5 23 11 20 0 1 0 99\n");

        assertThat(ClassCpu.stat(stat)).containsExactly(17, 5, 23, 11);
    }

    @Test
    void aClassIsOneLineWithTheCpuOfItsTestsAndOfTheProcessesTheyRanNestedClassesIncluded(@TempDir Path dir)
            throws IOException {
        LauncherFactory.create(LauncherConfig.builder().enableTestExecutionListenerAutoRegistration(false)
                .addTestExecutionListeners(new ClassCpu(dir)).build())
                .execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(Sample.class)).build());

        List<String> lines = Files.readAllLines(dir.resolve(ProcessHandle.current().pid() + ".tsv"));
        assertThat(lines).hasSize(1);
        String[] line = lines.get(0).split("\t");
        assertThat(line[0]).isEqualTo(Sample.class.getName());
        long wallMillis = Long.parseLong(line[1]);
        long cpuMillis = Long.parseLong(line[2]);
        // the child's CPU-second counts once it was waited for, and the nested class's 200 ms with it; the clock ticks
        // of /proc are 10 ms, and a tick can fall either side of a start
        assertThat(cpuMillis).as("CPU ms").isGreaterThanOrEqualTo(1_150);
        assertThat(wallMillis).as("wall ms").isGreaterThanOrEqualTo(1_150);
    }

    /** Run by the test above through its own launcher: a CPU-second in a child process, 200 ms in a nested class. */
    static class Sample {

        @Test
        void spinsInAChildProcess() throws Exception {
            Process child = new ProcessBuilder("python3", "-c",
                    "import time\nwhile time.process_time() < 1.0: pass").start();
            assertThat(child.waitFor()).isZero();
        }

        @Nested
        class Inner {

            @Test
            void spinsHere() {
                ThreadMXBean threads = ManagementFactory.getThreadMXBean();
                long until = threads.getCurrentThreadCpuTime() + 200_000_000L;
                while (threads.getCurrentThreadCpuTime() < until) {
                    Thread.onSpinWait();
                }
            }
        }
    }
}
