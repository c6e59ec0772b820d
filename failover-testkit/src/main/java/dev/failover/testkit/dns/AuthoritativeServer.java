package dev.failover.testkit.dns;

/**
 * A real authoritative DNS server for tests (BIND9 {@link BindServer}, Knot DNS {@link KnotServer}): on 127.0.0.1 and a
 * free port, primary for one zone, taking RFC 2136 updates signed with the TSIG key {@link #KEY_NAME} ({@link
 * #ALGORITHM}, a random secret) and refusing all others. It can be stopped and started again on the same port with the
 * same zone contents, so a test can take the server away for a while.
 */
public interface AuthoritativeServer extends AutoCloseable {

    String KEY_NAME = "failover-key";
    String ALGORITHM = "hmac-sha256";

    /** "BIND9" or "Knot DNS", for test names and messages. */
    String product();

    int port();

    /** The zone, absolute (with the trailing dot). */
    String zone();

    /** The TSIG secret, base64. */
    String secret();

    /** The server process's id; -1 while stopped. */
    long pid();

    /** Ends the server with SIGTERM and waits until it has exited; its zone file and journal stay for {@link #start()}. */
    void stop();

    /** Starts the server again, on the same port and from the same directory, and waits until it serves the zone. */
    void start();

    /** What the server logged, all runs. */
    String log();

    /** Ends the server and removes its directory. */
    @Override
    void close();
}
