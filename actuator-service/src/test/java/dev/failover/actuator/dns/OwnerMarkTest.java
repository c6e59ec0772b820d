package dev.failover.actuator.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.failover.contract.topology.TargetDns;

/** The ownership mark's text: what it says about the write that made it, readable by this release and the one before. */
class OwnerMarkTest {

    /** The parser of the releases before the mark said what was written, verbatim. */
    static final Pattern OLDER_RELEASE = Pattern.compile("failover-owner group=(\\S+) epoch=(\\d+) decision=(\\S+)");

    static final List<RecordSet> WEIGHTED = List.of(new RecordSet("primary", 100L, 60, Set.of("192.0.2.1"), null),
            new RecordSet("secondary", 0L, 60, Set.of("192.0.2.2", "192.0.2.3"), null));

    @Test
    void aMarkSaysWhatItsWriteWroteAndReadsBackAsWritten() {
        OwnerMark mark = OwnerMark.of("api", 7, "0b1c-77", WEIGHTED);

        assertThat(mark.text()).matches("failover-owner group=api epoch=7 decision=0b1c-77/sets=[0-9a-f]{16}");
        assertThat(OwnerMark.parse(mark.text())).contains(mark);
        assertThat(mark.stillServes(List.of(WEIGHTED.get(1), WEIGHTED.get(0)))).as("in another order").contains(true);
        assertThat(mark.stillServes(List.of(WEIGHTED.get(0)))).as("a set gone").contains(false);
        assertThat(
                mark.stillServes(List.of(new RecordSet("primary", 0L, 60, Set.of("192.0.2.1"), null), WEIGHTED.get(1))))
                .as("a weight changed by hand").contains(false);
        assertThat(mark.stillServes(List.of(WEIGHTED.get(0), new RecordSet("secondary", 0L, 300, Set.of("192.0.2.2",
                "192.0.2.3"), null)))).as("a TTL changed by hand").contains(false);
    }

    @Test
    void aMarkOfAnOlderReleaseParsesAndCannotSayWhatItWrote() {
        String older = "failover-owner group=api epoch=3 decision=2f6a9c1e-5b7d-4c1a-9e3f-0a1b2c3d4e5f";

        OwnerMark mark = OwnerMark.parse(older).orElseThrow();

        assertThat(mark).isEqualTo(new OwnerMark("api", 3, "2f6a9c1e-5b7d-4c1a-9e3f-0a1b2c3d4e5f", null));
        assertThat(mark.text()).as("its text is kept exactly: a conditional write names it").isEqualTo(older);
        assertThat(mark.stillServes(WEIGHTED)).isEmpty();
        assertThat(OwnerMark.parse("failover-owner group=api epoch=3 decision=a/b")).map(OwnerMark::decisionId)
                .contains("a/b");
    }

    @Test
    void anOlderReleaseStillReadsTheEpochOfANewMarkSoTheFenceHoldsDuringAnUpgrade() {
        OwnerMark mark = OwnerMark.of("api", 12, "d-12", WEIGHTED);

        Matcher older = OLDER_RELEASE.matcher(mark.text());

        assertThat(older.matches()).isTrue();
        assertThat(older.group(1)).isEqualTo("api");
        assertThat(Long.parseLong(older.group(2))).isEqualTo(12);
    }

    @Test
    void anAliasIsComparedWithoutATtl() {
        TargetDns.Alias alias = new TargetDns.Alias("Z2", "lb.example.com", true);
        OwnerMark mark = OwnerMark.of("api", 1, "d-1", List.of(new RecordSet(null, null, null, Set.of(), alias)));

        assertThat(mark.stillServes(List.of(new RecordSet(null, null, 60, Set.of(), alias)))).contains(true);
    }
}
