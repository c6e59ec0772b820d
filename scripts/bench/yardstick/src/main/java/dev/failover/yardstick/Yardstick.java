package dev.failover.yardstick;

import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

import org.eclipse.microprofile.reactive.messaging.Incoming;

/** A REST resource and a Kafka consumer: what the bench's yardstick starts besides health (see the pom). */
@Path("/records")
@ApplicationScoped
public class Yardstick {

    private final AtomicLong records = new AtomicLong();

    @Incoming("records")
    public void record(String value) {
        records.incrementAndGet();
    }

    @GET
    public long count() {
        return records.get();
    }
}
