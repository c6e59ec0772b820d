package dev.failover.testkit.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FreePortsTest {

    @Test
    void aPortIsBelowTheEphemeralRangeAndServable() throws IOException {
        int ephemeralLow = FreePorts.Range.ephemeralLow(Path.of("/proc/sys/net/ipv4/ip_local_port_range"));
        int port = FreePorts.next();
        assertTrue(port >= 30_000 && port < ephemeralLow, port + " outside [30000, " + ephemeralLow + ")");
        try (ServerSocket server = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertEquals(port, server.getLocalPort());
        }
    }

    @Test
    void consecutivePortsDiffer() {
        assertNotEquals(FreePorts.next(), FreePorts.next());
    }

    @Test
    void aPortWithAListenerIsNotHandedOut() throws IOException {
        try (ServerSocket held = new ServerSocket(0)) {
            assertFalse(FreePorts.bindable(held.getLocalPort()));
        }
        int port = FreePorts.next();
        assertTrue(FreePorts.bindable(port));
    }

    @Test
    void theRangeEndsBelowTheKernelsEphemeralPorts(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("ip_local_port_range");
        Files.writeString(file, "40000\t60999\n");
        assertEquals(new FreePorts.Range(30_000, 39_999), FreePorts.Range.below(FreePorts.Range.ephemeralLow(file)));
        assertEquals(32_768, FreePorts.Range.ephemeralLow(dir.resolve("missing")));
        assertEquals(0, FreePorts.Range.below(29_000).size());
    }

    @Test
    void slicesOfTheRangeDoNotOverlapAndCoverIt() {
        FreePorts.Range range = new FreePorts.Range(30_000, 32_767);
        assertEquals(range, range.slice(null));
        assertEquals(range, range.slice(" "));
        assertEquals(new FreePorts.Range(30_000, 31_383), range.slice("1/2"));
        assertEquals(new FreePorts.Range(31_384, 32_767), range.slice("2/2"));
        assertEquals(new FreePorts.Range(30_000, 30_921), range.slice("1/3"));
        assertEquals(new FreePorts.Range(31_844, 32_767), range.slice("3/3"));
        // a module's forks divide its slice again
        assertEquals(new FreePorts.Range(31_384, 32_075), range.slice("2/2,1/2"));
        assertEquals(new FreePorts.Range(32_076, 32_767), range.slice("2/2,2/2"));
        assertEquals(range.slice("2/2,1/2"), range.slice("2/2").slice("1/2"));
        // surefire numbers a parallel build's forks across its modules: a module's fork 3 of 2 takes the first part
        assertEquals(range.slice("2/2,1/2"), range.slice("2/2,3/2"));
        assertEquals(range.slice("2/2,2/2"), range.slice("2/2,4/2"));
        for (String bad : new String[] { "0/2", "3/2", "2", "a/b", "1/0", "1/2,0/2", "1/2,", ",1/2", "1/2,a/2",
                "1/2,1/0", "3/2,1/2" }) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> range.slice(bad));
            assertTrue(e.getMessage().startsWith(FreePorts.SLICE + "=" + bad), e.getMessage());
        }
    }
}
