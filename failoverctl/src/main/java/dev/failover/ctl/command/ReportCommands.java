package dev.failover.ctl.command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.failover.contract.signing.SignedReports;
import dev.failover.contract.signing.TrustedKeys;
import dev.failover.contract.signing.Verification;
import dev.failover.ctl.exit.Exits;
import dev.failover.ctl.http.ApiClient;
import dev.failover.ctl.http.ApiException;
import dev.failover.ctl.render.ReportView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** A switch's signed report: fetched and shown, and verified offline with a replay of its evidence. */
public final class ReportCommands {

    private ReportCommands() {
    }

    @Command(name = "report", description = "A switch's report, signed by the decision-service: the stages and their "
            + "times, the data tier's loss exposure, a timeline, the rule path, each location's health and resolvers. "
            + "Markdown by default; -o json is the signed document report verify checks. Without DECISION-ID: the group's "
            + "latest decision.", subcommands = { Verify.class })
    public static final class Report extends ApiCommand {
        // optional to picocli, which would otherwise ask for it before "verify" too
        @Parameters(index = "0", arity = "0..1", paramLabel = "GROUP")
        String group;

        @Parameters(index = "1", arity = "0..1", paramLabel = "DECISION-ID")
        String decisionId;

        @Override
        int run(ApiClient api) throws ApiException {
            if (group == null) {
                err().println("failoverctl: report needs a GROUP (report GROUP [DECISION-ID], report verify FILE)");
                err().flush();
                return Exits.USAGE;
            }
            String id = decisionId;
            if (id == null) {
                JsonNode latest = api.get(ReadCommands.path(group)).body().path("recentDecisions").path(0);
                if (latest.isMissingNode()) {
                    err().println("failoverctl: group " + group + " has no decision yet");
                    err().flush();
                    return Exits.REFUSED;
                }
                id = latest.path("decisionId").asText();
            }
            JsonNode document = api.get(ReadCommands.path(group, "decisions", id, "report")).body();
            print(document, ReportView::markdown);
            return ok();
        }
    }

    /** Decisions the rule chain makes, which a replay of their evidence must make again; the others are an operator's. */
    static final Set<String> AUTOMATIC = Set.of("FAILOVER", "FAILBACK", "LAST_RESORT");

    @Command(name = "verify", description = "Check a report (the JSON of report -o json): its signature against the "
            + "decision-service's public keys, offline; then, for an automatic decision, replay its recorded evidence "
            + "through the decision-service's core (POST /groups/G/replay) and compare the decision and the rule path. "
            + "Exit 0 when both hold, 15 when the signature does not verify or the replay decides otherwise.")
    public static final class Verify extends ApiCommand {
        @Parameters(index = "0", paramLabel = "FILE", description = "the report, as report -o json wrote it")
        Path file;

        @Option(names = "--trusted-keys", required = true, paramLabel = "DIR", description = "a directory of "
                + "<key-id>.pub files (X.509 PEM Ed25519), as the actuators trust: the decision-service's public keys")
        Path trustedKeys;

        @Option(names = "--no-replay", description = "check the signature only (offline: no decision-service is asked)")
        boolean noReplay;

        @Override
        int run() throws ApiException, ConnectionOptions.BadSetting {
            JsonNode document;
            TrustedKeys keys;
            try {
                document = new ObjectMapper().readTree(Files.readString(file));
                keys = TrustedKeys.fromDirectory(trustedKeys);
            } catch (IOException | RuntimeException e) {
                err().println("failoverctl: cannot read " + (e.getMessage() != null && e.getMessage().contains(
                        trustedKeys.toString()) ? trustedKeys : file) + ": " + e.getMessage());
                err().flush();
                return Exits.USAGE;
            }
            JsonNode report = document.path("report");
            String group = report.path("group").asText();
            Verification verification = SignedReports.verify(keys, group, report, new SignedReports.Signature(
                    document.path("signature").path("keyId").asText(null),
                    document.path("signature").path("value").asText(null)));
            if (!verification.isValid()) {
                err().println(
                        "failoverctl: " + file + ": refused, the signature does not verify: " + verification.describe()
                                + " (changed after it was signed, or signed by a key not in " + trustedKeys + ")");
                err().flush();
                return Exits.REPORT_REFUSED;
            }
            JsonNode decision = report.path("decision");
            out().println(file + ": signature valid (key " + verification.keyId() + "): group " + group + ", decision "
                    + decision.path("decisionId").asText() + " " + decision.path("kind").asText() + " "
                    + decision.path("fromTarget").asText("-") + " -> " + decision.path("toTarget").asText());
            out().flush();
            if (noReplay) {
                return ok();
            }
            if (!AUTOMATIC.contains(decision.path("kind").asText())) {
                out().println(
                        "not replayed: " + decision.path("kind").asText() + " is " + decision.path("principal").asText()
                                + "'s decision, not the rules'");
                out().flush();
                return ok();
            }
            if (report.path("explanation").isMissingNode()) {
                err().println(
                        "failoverctl: " + file + ": the report keeps no evidence to replay (its explanation was no "
                                + "longer kept when it was written)");
                err().flush();
                return Exits.REPORT_REFUSED;
            }
            return replay(options().decisionService(), group, report.path("explanation"), decision);
        }

        @Override
        int run(ApiClient api) {
            throw new UnsupportedOperationException("run() reads the file first");
        }

        private int replay(ApiClient api, String group, JsonNode explanation, JsonNode decision) throws ApiException {
            JsonNode replayed = api.post(ReadCommands.path(group, "replay"), explanation).body();
            List<String> recorded = path(explanation);
            List<String> again = path(replayed);
            boolean same = "SWITCHED".equals(replayed.path("outcome").asText())
                    && decision.path("kind").asText().equals(replayed.path("kind").asText())
                    && decision.path("toTarget").asText().equals(replayed.path("toTarget").asText())
                    && recorded.equals(again);
            if (!same) {
                err().println("failoverctl: " + file + ": the replay of the recorded evidence decides otherwise: "
                        + replayed.path("outcome").asText() + " " + replayed.path("kind").asText("") + " to "
                        + replayed.path("toTarget").asText("-") + " by " + again + ", the report says "
                        + decision.path("kind")
                                .asText()
                        + " to " + decision.path("toTarget").asText() + " by " + recorded);
                err().flush();
                return Exits.REPORT_REFUSED;
            }
            out().println(
                    "replayed: the recorded evidence (" + results(explanation) + " results, with their Kafka offsets) "
                            + "decides " + replayed.path("kind").asText() + " to " + replayed.path("toTarget").asText()
                            + " again, by the same rule path " + again);
            out().flush();
            return ok();
        }

        /** The rules in order with their results, e.g. "hold PASSED". */
        private static List<String> path(JsonNode explanation) {
            List<String> path = new ArrayList<>();
            explanation.path("rules").forEach(r -> path.add(r.path("rule").asText() + " " + r.path("result").asText()));
            return path;
        }

        private static int results(JsonNode explanation) {
            int count = 0;
            for (JsonNode t : explanation.path("targets")) {
                for (JsonNode l : t.path("locations")) {
                    count += l.path("results").size();
                }
            }
            return count;
        }
    }
}
