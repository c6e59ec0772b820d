package dev.failover.shipped;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The alert rules are two files (docs/runbook.md, "Where the rules run"): the regional ones, which each region's own
 * Prometheus evaluates over its own series, and the global ones, for the one ruler that sees every region. Every alert
 * of either file links a runbook anchor that docs/runbook.md has, has its row there and names only failoverctl commands
 * that exist; an alert is in one file only (each evaluator's own Watchdog aside); the regional ones keep the label
 * region; and Kubernetes carries each file as scripts/sync-prometheus-rule.sh generates it, the regional one in
 * k8s/base and the global one in the component k8s/global-alerts, with the site's runbook links filled in either.
 */
class AlertRulesTest {

    static final String REGIONAL = "monitoring/prometheus/failover-alerts.yml";
    static final String GLOBAL = "monitoring/prometheus/failover-alerts-global.yml";
    static final String RUNBOOK = "docs/runbook.md";
    /** How a rule file writes each link: the evaluator's external label, or the site's base once rendered. */
    static final String LINK_BASE = "{{ $externalLabels.runbook_base_url }}";
    static final String LINK_PATH = "/docs/runbook.md#";
    /** What only a ruler that sees every region can say: a region lost, no instance anywhere, regions that disagree. */
    static final Set<String> GLOBAL_ALERTS = Set.of("FailoverWatchdog", "FailoverRegionDown", "FailoverServiceDown",
            "FailoverTopologiesDiffer", "FailoverVersionsDiffer");

    static List<JsonNode> alerts(String file) throws Exception {
        List<JsonNode> alerts = new ArrayList<>();
        DeploymentFilesTest.YAML.readTree(Repository.ROOT.resolve(file).toFile()).get("groups")
                .forEach(group -> group.get("rules").forEach(rule -> {
                    if (rule.has("alert")) {
                        alerts.add(rule);
                    }
                }));
        assertThat(alerts).as("alerts of " + file).isNotEmpty();
        return alerts;
    }

    static Set<String> names(String file) throws Exception {
        Set<String> names = new TreeSet<>();
        alerts(file).forEach(alert -> names.add(alert.get("alert").asText()));
        return names;
    }

    /** The anchors a link into docs/runbook.md may name: its explicit ones (a id) and GitHub's of its headings. */
    static Set<String> runbookAnchors() throws Exception {
        String runbook = Files.readString(Repository.ROOT.resolve(RUNBOOK));
        Set<String> anchors = new TreeSet<>(DocumentationTest.anchors(runbook));
        Matcher explicit = Pattern.compile("<a id=\"([^\"]+)\"></a>").matcher(runbook);
        while (explicit.find()) {
            anchors.add(explicit.group(1));
        }
        return anchors;
    }

    /**
     * Each alert's runbook_url is the evaluator's base and docs/runbook.md#&lt;alert in lower case&gt;, an anchor the
     * runbook has: for the global file as for the regional one, since the on-call opens the link whichever ruler fired.
     */
    @ParameterizedTest
    @ValueSource(strings = { REGIONAL, GLOBAL })
    void everyAlertLinksARunbookAnchorTheDocsHave(String file) throws Exception {
        Set<String> anchors = runbookAnchors();
        List<String> problems = new ArrayList<>();
        for (JsonNode alert : alerts(file)) {
            String name = alert.get("alert").asText();
            String url = alert.at("/annotations/runbook_url").asText(null);
            if (url == null) {
                problems.add(name + ": no runbook_url");
            } else if (!url.startsWith(LINK_BASE + LINK_PATH)) {
                problems.add(name + ": runbook_url " + url + " is not " + LINK_BASE + LINK_PATH + "<anchor>");
            } else {
                String anchor = url.substring((LINK_BASE + LINK_PATH).length());
                if (!anchors.contains(anchor)) {
                    problems.add(name + ": runbook_url names #" + anchor + ", an anchor " + RUNBOOK + " does not have");
                } else if (!anchor.equals(name.toLowerCase(Locale.ROOT))) {
                    problems.add(name + ": runbook_url names #" + anchor + ", not the alert's own anchor");
                }
            }
        }
        assertThat(problems).as(file + ": runbook links").isEmpty();
    }

    /** The runbook has a row for every alert the rules can fire, so no page leaves the on-call guessing. */
    @ParameterizedTest
    @ValueSource(strings = { REGIONAL, GLOBAL })
    void everyAlertHasARunbookRow(String file) throws Exception {
        String runbook = Files.readString(Repository.ROOT.resolve(RUNBOOK));
        assertThat(names(file)).allSatisfy(alert -> assertThat(runbook).as(RUNBOOK + " row of " + alert)
                .contains("| `" + alert + "`"));
    }

    /**
     * An alert tells the person paged what to run as the runbook does, with failoverctl (which finds the instance to
     * ask and carries the token), never as a raw HTTP request; every command it names exists.
     */
    @ParameterizedTest
    @ValueSource(strings = { REGIONAL, GLOBAL })
    void everyAlertNamesFailoverctlCommandsThatExist(String file) throws Exception {
        // each command, and whether the source that declares it requires --reason (the writes: WriteCommands, retry)
        Map<String, Boolean> commands = new TreeMap<>();
        try (Stream<Path> sources = Files.walk(Repository.ROOT.resolve("failoverctl/src/main/java"))) {
            for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                String code = Files.readString(source);
                boolean reasonRequired = code.contains("names = { \"-r\", \"--reason\" }, required = true");
                Matcher command = Pattern.compile("@Command\\(name = \"([a-z-]+)\"").matcher(code);
                while (command.find()) {
                    commands.merge(command.group(1), reasonRequired, Boolean::logicalOr);
                }
            }
        }
        assertThat(commands).containsEntry("status", false).containsEntry("resume", true).containsEntry("retry", true);
        List<String> problems = new ArrayList<>();
        for (JsonNode rule : alerts(file)) {
            String alert = rule.get("alert").asText();
            String text = rule.at("/annotations/description").asText() + " " + rule.at("/annotations/summary").asText();
            Matcher http = Pattern.compile("\\b(GET|POST|PUT|DELETE) /\\S*").matcher(text);
            while (http.find()) {
                problems.add(alert + ": a raw HTTP request '" + http.group() + "' instead of the failoverctl command");
            }
            // a command with what follows it up to the end of its clause
            Matcher cli = Pattern.compile("failoverctl ([a-z-]+)([^,;)]*)").matcher(text);
            while (cli.find()) {
                Boolean reasonRequired = commands.get(cli.group(1));
                if (reasonRequired == null) {
                    problems.add(alert + ": 'failoverctl " + cli.group(1) + "' is no command of failoverctl");
                } else if (reasonRequired && !cli.group(2).contains("--reason")) {
                    problems.add(alert + ": '" + cli.group() + "' lacks the --reason it requires");
                }
            }
        }
        assertThat(problems).as("alert descriptions (" + file + ")").isEmpty();
    }

    /**
     * What needs every region's series is in the global file and nowhere else: a region's own Prometheus that evaluated
     * FailoverServiceDown paged "no instance anywhere" when only its region's pods were down. Only the Watchdog is in
     * both, each evaluator proving its own path, and the global one is labelled ruler: global, so that Alertmanager
     * sends it to a check of its own.
     */
    @Test
    void eachAlertRunsInOneFileTheWatchdogInBoth() throws Exception {
        Set<String> regional = names(REGIONAL);
        Set<String> global = names(GLOBAL);
        assertThat(global).as(GLOBAL).containsExactlyInAnyOrderElementsOf(GLOBAL_ALERTS);
        Set<String> both = new TreeSet<>(regional);
        both.retainAll(global);
        assertThat(both).as("alerts in both files").containsExactly("FailoverWatchdog");
        for (String file : List.of(REGIONAL, GLOBAL)) {
            JsonNode watchdog = alerts(file).stream().filter(a -> a.get("alert").asText().equals("FailoverWatchdog"))
                    .findFirst().orElseThrow();
            assertThat(watchdog.at("/labels/ruler").asText(null)).as(file + ": the Watchdog's label ruler")
                    .isEqualTo(file.equals(GLOBAL) ? "global" : null);
        }
    }

    /**
     * Every regional alert keeps region (the Watchdog, the evaluator's own, aside): each aggregation groups by it, each
     * vector match matches on it, nothing drops it (without, ignoring it) or makes a series that cannot have it
     * (absent, vector). It says which region's instances report the alert, keeps two regions apart where one
     * Prometheus sees both, and lets FailoverRegionDown hold the alerts of a lost region back (Alertmanager's equal:
     * [region]).
     */
    @Test
    void theRegionalAlertsKeepTheRegion() throws Exception {
        Pattern grouping = Pattern.compile("\\b(by|on)\\s*\\(([^)]*)\\)");
        List<String> problems = new ArrayList<>();
        for (JsonNode alert : alerts(REGIONAL)) {
            String name = alert.get("alert").asText();
            if (name.equals("FailoverWatchdog")) {
                continue;
            }
            String expr = alert.get("expr").asText();
            Matcher clause = grouping.matcher(expr);
            while (clause.find()) {
                List<String> labels = List.of(clause.group(2).split("\\s*,\\s*"));
                if (!labels.contains("region")) {
                    problems.add(name + ": " + clause.group() + " drops region");
                }
            }
            Matcher dropping = Pattern.compile("\\b(without|ignoring)\\s*\\(([^)]*)\\)|\\b(absent|vector)\\s*\\(")
                    .matcher(expr);
            while (dropping.find()) {
                if (dropping.group(3) != null || dropping.group(1).equals("without")
                        || List.of(dropping.group(2).split("\\s*,\\s*")).contains("region")) {
                    problems.add(name + ": " + dropping.group() + " drops region");
                }
            }
        }
        assertThat(problems).as(REGIONAL + ": aggregations that drop region").isEmpty();
    }

    /**
     * scripts/sync-prometheus-rule.sh is the one generator of both PrometheusRules: run on a copy of what it reads, it
     * writes exactly the files that are checked in.
     */
    @Test
    void theGeneratedRulesAreTheRuleFiles(@TempDir Path copy) throws Exception {
        List<String> generated = List.of("k8s/base/prometheus-rule.yaml", "k8s/global-alerts/prometheus-rule.yaml",
                "k8s/kube-prometheus-stack/failover-dashboard.json");
        for (String file : List.of("scripts/sync-prometheus-rule.sh", REGIONAL, GLOBAL,
                "monitoring/grafana/failover-dashboard.json")) {
            Files.createDirectories(copy.resolve(file).getParent());
            Files.copy(Repository.ROOT.resolve(file), copy.resolve(file));
        }
        for (String file : generated) {
            Files.createDirectories(copy.resolve(file).getParent());
        }
        Process sync = new ProcessBuilder("bash", copy.resolve("scripts/sync-prometheus-rule.sh").toString())
                .redirectErrorStream(true).start();
        String out = new String(sync.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(sync.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(sync.exitValue()).as("scripts/sync-prometheus-rule.sh: " + out).isZero();
        for (String file : generated) {
            assertThat(Files.readString(Repository.ROOT.resolve(file))).as(file + " as the generator writes it "
                    + "(run scripts/sync-prometheus-rule.sh)").isEqualTo(Files.readString(copy.resolve(file)));
        }
    }

    /**
     * A rendered PrometheusRule is its rule file with the site's runbook base in every link (no
     * $externalLabels.runbook_base_url left, which only a Prometheus with that external label would fill) and every
     * alert labelled with the rule's namespace (an AlertmanagerConfig's routes match it).
     */
    static void assertIsTheRuleFile(JsonNode rule, String file, String runbookBase, String what) throws Exception {
        assertThat(rule).as(what + ": PrometheusRule from " + file).isNotNull();
        String namespace = rule.at("/metadata/namespace").asText();
        assertThat(namespace).as(what + ": the namespace of " + rule.at("/metadata/name").asText())
                .isEqualTo("failover");
        ObjectNode spec = rule.get("spec").deepCopy();
        for (JsonNode group : spec.get("groups")) {
            for (JsonNode alert : group.get("rules")) {
                assertThat(alert.at("/labels/namespace").asText()).as(what + ": the namespace label of "
                        + alert.path("alert").asText()).isEqualTo(namespace);
                ((ObjectNode) alert.get("labels")).remove("namespace");
                assertThat(alert.at("/annotations/runbook_url").asText()).as(what + ": the runbook link of "
                        + alert.path("alert").asText()).startsWith(runbookBase + LINK_PATH);
            }
        }
        ObjectMapper json = new ObjectMapper();
        JsonNode unfilled = json
                .readTree(json.writeValueAsString(spec).replace(runbookBase + LINK_PATH, LINK_BASE + LINK_PATH));
        assertThat(unfilled).as(what + ": " + rule.at("/metadata/name").asText() + " = " + file + " with the site's "
                + "runbook-base-url (run scripts/sync-prometheus-rule.sh)")
                .isEqualTo(DeploymentFilesTest.YAML.readTree(Repository.ROOT.resolve(file).toFile()));
    }

    static Map<String, JsonNode> rules(List<JsonNode> docs) {
        Map<String, JsonNode> rules = new TreeMap<>();
        docs.stream().filter(d -> d.get("kind").asText().equals("PrometheusRule"))
                .forEach(d -> rules.put(d.at("/metadata/name").asText(), d));
        return rules;
    }

    /**
     * Every overlay renders the regional rules (k8s/base); one that lists k8s/global-alerts, as the cluster of the
     * global ruler does, renders the global rules beside them: the global file with the site's runbook links, the
     * release label the operator selects rules by, the plane's and the region's labels, and the namespace on every
     * alert.
     */
    @ParameterizedTest
    @MethodSource("dev.failover.shipped.DeploymentFilesTest#overlays")
    void theGlobalAlertsComponentRendersTheGlobalFile(String region, @TempDir Path copy) throws Exception {
        JsonNode site = DeploymentFilesTest.siteData(DeploymentFilesTest.OVERLAYS.resolve(region));
        String runbookBase = site.path("runbook-base-url").asText();
        assertThat(runbookBase).as(region + "/site.yaml: runbook-base-url").isNotEmpty();

        Map<String, JsonNode> sample = rules(DeploymentFilesTest.render(region));
        assertThat(sample.keySet()).as(region + ": its PrometheusRules").containsExactly("failover");
        assertIsTheRuleFile(sample.get("failover"), REGIONAL, runbookBase, region);

        String out = DeploymentFilesTest
                .renderText(DeploymentFilesTest.overlayWith(copy, region, "global-alerts", Map.of()));
        assertThat(out).as(region + " with k8s/global-alerts: a runbook link left unfilled").doesNotContain(LINK_BASE);
        Map<String, JsonNode> rules = rules(DeploymentFilesTest.documents(out));
        assertThat(rules.keySet()).as(region + " with k8s/global-alerts: its PrometheusRules")
                .containsExactly("failover", "failover-global");
        assertIsTheRuleFile(rules.get("failover"), REGIONAL, runbookBase, region + " with k8s/global-alerts");
        JsonNode global = rules.get("failover-global");
        assertIsTheRuleFile(global, GLOBAL, runbookBase, region + " with k8s/global-alerts");
        JsonNode labels = global.at("/metadata/labels");
        assertThat(labels.path("release").asText()).as("the release label of failover-global")
                .isEqualTo(site.path("prometheus-release").asText()).isNotEmpty();
        assertThat(labels.path("app.kubernetes.io/part-of").asText()).isEqualTo("failover");
        assertThat(labels.path(DeploymentFilesTest.REGION_LABEL).asText()).isEqualTo(region);
    }

    /**
     * The third location of a team with two target regions (docs/deploy-eks.md, "Two regions and a third location"):
     * probe-only with global-alerts runs the global rules, whose ruler belongs in neither target region, and not the
     * regional ones, which over the target regions' federated series would repeat their alerts.
     */
    @Test
    void aThirdLocationRunsTheGlobalRulesAndNotTheRegionalOnes(@TempDir Path copy) throws Exception {
        Path overlay = DeploymentFilesTest.overlayWith(copy, "eu-west-1", "probe-only", Map.of());
        Path kustomization = overlay.resolve("kustomization.yaml");
        ObjectNode kustomize = (ObjectNode) DeploymentFilesTest.YAML.readTree(kustomization.toFile());
        ((ArrayNode) kustomize.get("components")).add("../../global-alerts");
        DeploymentFilesTest.YAML.writeValue(kustomization.toFile(), kustomize);

        Map<String, JsonNode> rules = rules(DeploymentFilesTest.documents(DeploymentFilesTest.renderText(overlay)));
        assertThat(rules.keySet()).as("the third location's PrometheusRules").containsExactly("failover-global");
        assertIsTheRuleFile(rules.get("failover-global"), GLOBAL,
                DeploymentFilesTest.siteData(overlay).path("runbook-base-url").asText(), "the third location");
    }
}
