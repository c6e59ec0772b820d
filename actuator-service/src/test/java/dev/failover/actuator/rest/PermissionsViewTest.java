package dev.failover.actuator.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.failover.actuator.permissions.Needed;
import dev.failover.actuator.permissions.PermissionCheck;
import dev.failover.actuator.permissions.PermissionReports;
import dev.failover.actuator.permissions.PermissionSimulator;
import dev.failover.contract.topology.ScalingRef;

/** What {@code GET /permissions} answers before, after and without a check. */
class PermissionsViewTest {

    static final ScalingRef.Place EAST = new ScalingRef.Place.Aws("us-east-1", null);
    static final ScalingRef.Place WEST = new ScalingRef.Place.Aws("us-west-2", "arn:aws:iam::222233334444:role/scaler");
    static final Needed CHANGE = new Needed(EAST, "route53:ChangeResourceRecordSets", "arn:aws:route53:::hostedzone/Z1",
            Map.of(), "the DNS switch of group api");
    static final Needed UPDATE = new Needed(WEST, "ecs:UpdateService",
            "arn:aws:ecs:us-west-2:{account}:service/prod/api",
            Map.of(), "scaling target us-west of group api");

    final PermissionReports reports = new PermissionReports();

    @Test
    void anActuatorThatChecksNothingSaysWhyAndWhatIsLeftUnchecked() {
        reports.notChecked("the topology needs nothing of AWS or Kubernetes", 0);
        assertThat(PermissionsResource.PermissionsView.of(reports))
                .isEqualTo(new PermissionsResource.PermissionsView(false,
                        "the topology needs nothing of AWS or Kubernetes", null, 0, List.of(), List.of()));
        reports.notChecked("failover.permissions.check-interval is 0", 7);
        assertThat(PermissionsResource.PermissionsView.of(reports).needed()).as("needed, not checked").isEqualTo(7);
    }

    @Test
    void beforeTheFirstRunNothingIsReportedMissingYet() {
        reports.checking(new PermissionCheck(List.of(CHANGE, UPDATE), (place, needed) -> List.of(), clock()));
        var view = PermissionsResource.PermissionsView.of(reports);
        assertThat(view.checked()).isTrue();
        assertThat(view.at()).isNull();
        assertThat(view.needed()).isEqualTo(2);
        assertThat(view.missing()).isEmpty();
    }

    @Test
    void aDenialIsNamedWithItsPlaceAndAPlaceNotAskedIsListed() {
        PermissionCheck check = new PermissionCheck(List.of(CHANGE, UPDATE), (place, needed) -> {
            if (place.equals(WEST)) {
                throw new IllegalStateException("sts:AssumeRole timed out");
            }
            return needed.stream()
                    .map(n -> new PermissionSimulator.Answer(n, n.resource(), PermissionSimulator.Decision.DENIED,
                            "implicitDeny for arn:aws:iam::111122223333:role/actuator"))
                    .toList();
        }, clock());
        reports.checking(check);
        check.run();

        var view = PermissionsResource.PermissionsView.of(reports);
        assertThat(view.at()).isEqualTo(Instant.parse("2026-11-28T03:00:00Z"));
        assertThat(view.missing()).containsExactly(new PermissionsResource.Missing(EAST.toString(),
                "route53:ChangeResourceRecordSets", "arn:aws:route53:::hostedzone/Z1", "the DNS switch of group api",
                "implicitDeny for arn:aws:iam::111122223333:role/actuator"));
        assertThat(view.unchecked()).containsExactly(new PermissionsResource.Unchecked(WEST.toString(),
                "sts:AssumeRole timed out"));
    }

    static Clock clock() {
        return Clock.fixed(Instant.parse("2026-11-28T03:00:00Z"), ZoneOffset.UTC);
    }
}
