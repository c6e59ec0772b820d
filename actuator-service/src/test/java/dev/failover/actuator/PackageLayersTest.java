package dev.failover.actuator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.failover.testkit.layers.PackageLayers;

/**
 * The actuator's packages by part, imports only downward (ADR 0015, as the decision-service's): a package may name a
 * class of a package listed after it in {@link #LAYERS}, never one listed before it, so there is no cycle between them.
 */
class PackageLayersTest {

    /** Top first. A new package gets its place here. */
    static final List<String> LAYERS = List.of(
            "startup", // builds the reconcilers, the loop and the backends from the settings; native-image registrations
            "rest", // the groups and actuations API
            "health", // readiness: desired states restored
            "permissions", // what the topology needs of AWS, checked ahead with IAM's policy simulator
            "messaging", // decisions in (per partition), results out, the reconcile loop, desired states restored
            "config", // the typed configuration, resolved and checked once at start
            "metrics", // the actuator's gauges and counters
            "state", // the desired-state and evidence topics, signed
            "domain", // the reconciler core: plain Java
            "database", // one class per database backend
            "dns", // one class per DNS provider
            "scaling", // one class per scaling backend
            "regionswitch", // ARC Region switch plans: the backend and its AWS class
            "aws", // the AWS SDK's clients and credentials
            "lease", // the lease every write outside Kafka is made under
            "requests"); // an API's budget of requests and the batching of requests to it

    /** The reconciler core's parts, top first, as {@link #LAYERS} (ADR 0021). */
    static final List<String> DOMAIN_LAYERS = List.of(
            "reconcile", // a group's reconciler and the set of them: offers, the fold of a pass, its effects applied
            "steps", // the ordered steps of a pass, one class each, and the pass they take and return
            "plan", // what a pass works towards and with: the goal, the progress, the effects, the backends
            "data", // the data tier's facts: nodes seen, fences, promotions, the WAL evidence and its exposure
            "model"); // the desired state, the traffic plan, record sets, convergence, the settings

    @Test
    void importsRunOnlyDownward() {
        PackageLayers.check(Path.of("src/main/java"), "dev.failover.actuator", LAYERS);
    }

    /** The checker looks at the parts only, so no class may stay directly in {@code domain/}. */
    @Test
    void theReconcilerCoreIsLayeredToo() throws IOException {
        PackageLayers.check(Path.of("src/main/java"), "dev.failover.actuator.domain", DOMAIN_LAYERS);
        try (Stream<Path> files = Files.list(Path.of("src/main/java/dev/failover/actuator/domain"))) {
            assertThat(files.filter(f -> f.toString().endsWith(".java")).map(Path::toString))
                    .as("classes directly in domain/, in no part").isEmpty();
        }
    }

    /** The reconciler core stays readable a class at a time (ADR 0021): a class that grows past this splits. */
    @Test
    void noClassOfTheDomainIsOver300Lines() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("src/main/java/dev/failover/actuator/domain"))) {
            List<String> tooLong = files.filter(f -> f.toString().endsWith(".java")).filter(f -> lines(f) > 300)
                    .map(f -> f.getFileName() + " " + lines(f)).toList();
            assertThat(tooLong).as("domain classes over 300 lines").isEmpty();
        }
    }

    private static long lines(Path file) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
