package dev.failover.actuator.dns;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingXPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;

import dev.failover.actuator.dns.DnsProvider.ReadOutcome;
import dev.failover.actuator.dns.DnsProvider.WriteOutcome;
import dev.failover.actuator.domain.model.Convergence;
import dev.failover.actuator.domain.model.DesiredState;
import dev.failover.actuator.domain.model.DesiredStore;
import dev.failover.actuator.domain.model.ProviderLane;
import dev.failover.actuator.domain.model.ReconcileSettings;
import dev.failover.actuator.domain.model.TrafficPlans;
import dev.failover.actuator.domain.reconcile.GroupReconciler;
import dev.failover.actuator.domain.reconcile.Reconcilers;
import dev.failover.actuator.scaling.Scalers;
import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.DecisionMode;
import dev.failover.contract.time.Backoff;
import dev.failover.contract.time.ManualClock;
import dev.failover.contract.topology.RecordType;
import dev.failover.contract.topology.TargetDns;
import dev.failover.contract.topology.Topology;
import dev.failover.contract.topology.TopologyLoader;
import software.amazon.awssdk.services.route53.Route53Client;

/**
 * The real AWS SDK against a local HTTP fixture that checks the requests it gets (the ChangeBatch XML, the
 * ListResourceRecordSets parameters) and answers as the Route 53 API reference documents: ListResourceRecordSets pages,
 * ChangeInfo, GetChange PENDING then INSYNC, and the ErrorResponse documents of InvalidChangeBatch, Throttling,
 * PriorRequestNotComplete and AccessDenied.
 */
class Route53DnsProviderTest {

    static final String NS = "https://route53.amazonaws.com/doc/2013-04-01/";
    static final String ZONE_ID = "Z0123456789ABC";
    static final String RRSET = "/2013-04-01/hostedzone/" + ZONE_ID + "/rrset/";
    static final String LIST = "/2013-04-01/hostedzone/" + ZONE_ID + "/rrset";
    static final String CHANGE = "/2013-04-01/change/C2682N5HXP0BZ4";
    static final String OWNER = "_failover-owner.api.example.com";
    static final TargetDns.Alias MAINT = new TargetDns.Alias("Z35SXDOTRQ7X7K", "maint.elb.amazonaws.com.", true);

    static WireMockServer route53;
    static Route53Client client;

    @BeforeAll
    static void start() {
        route53 = new WireMockServer(options().dynamicPort());
        route53.start();
        client = Route53Fixtures.client(URI.create("http://127.0.0.1:" + route53.port()));
    }

    @AfterAll
    static void stop() {
        client.close();
        route53.stop();
    }

    @BeforeEach
    void reset() {
        route53.resetAll();
        recordSets = List.of();
        ownerSet = null;
    }

    static RecordKey key() {
        return new RecordKey("api", "example.com.", "api.example.com.", RecordType.A, ZONE_ID);
    }

    /** A provider whose request rate does not slow the tests down. */
    static Route53DnsProvider provider(Route53Settings.Routing routing) {
        return provider(routing, 1000);
    }

    static Route53DnsProvider provider(Route53Settings.Routing routing, double requestsPerSecond) {
        return Route53Fixtures.provider(client, Route53Fixtures.settings(routing, requestsPerSecond,
                Route53Settings.TakeOver.REFUSE));
    }

    static OwnerMark mark(long epoch) {
        return new OwnerMark("api", epoch, "d-" + epoch);
    }

    /** A failover to the secondary with weighted routing: its set weighted, the others 0, one of them an alias. */
    static RecordWrite failover(String expectedOwnerText, long epoch) {
        return new RecordWrite(key(), expectedOwnerText, mark(epoch), List.of(
                new RecordSet("secondary", 100L, 60, Set.of("192.0.2.20", "192.0.2.21"), null),
                new RecordSet("primary", 0L, 60, Set.of("192.0.2.10"), null),
                new RecordSet("maint", 0L, null, Set.of(), MAINT)));
    }

    // ---- what the fixture answers, in the shapes of the Route 53 API reference

    static String changeInfo(String root, String status) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><" + root + " xmlns=\"" + NS
                + "\"><ChangeInfo><Id>/change/C2682N5HXP0BZ4"
                + "</Id><Status>" + status
                + "</Status><SubmittedAt>2026-11-21T10:00:00.000Z</SubmittedAt></ChangeInfo></" + root + ">";
    }

    static String error(String type, String code, String message) {
        return "<?xml version=\"1.0\"?><ErrorResponse xmlns=\"" + NS + "\"><Error><Type>" + type + "</Type><Code>"
                + code
                + "</Code><Message>" + message
                + "</Message></Error><RequestId>7eb28fd5-9ce6-11e4-a8e8-9f105805808f</RequestId>"
                + "</ErrorResponse>";
    }

    static String valuesSet(String name, String type, String setIdentifier, Long weight, int ttl, String... values) {
        StringBuilder xml = new StringBuilder("<ResourceRecordSet><Name>").append(name).append("</Name><Type>")
                .append(type)
                .append("</Type>");
        if (setIdentifier != null) {
            xml.append("<SetIdentifier>").append(setIdentifier).append("</SetIdentifier><Weight>").append(weight)
                    .append("</Weight>");
        }
        xml.append("<TTL>").append(ttl).append("</TTL><ResourceRecords>");
        for (String value : values) {
            xml.append("<ResourceRecord><Value>").append(value).append("</Value></ResourceRecord>");
        }
        return xml.append("</ResourceRecords></ResourceRecordSet>").toString();
    }

    static String aliasSet(String name, String setIdentifier, long weight, TargetDns.Alias alias) {
        return "<ResourceRecordSet><Name>" + name + "</Name><Type>A</Type><SetIdentifier>" + setIdentifier
                + "</SetIdentifier>"
                + "<Weight>" + weight + "</Weight><AliasTarget><HostedZoneId>" + alias.hostedZoneId()
                + "</HostedZoneId><DNSName>"
                + alias.dnsName() + "</DNSName><EvaluateTargetHealth>" + alias.evaluateTargetHealth()
                + "</EvaluateTargetHealth></AliasTarget></ResourceRecordSet>";
    }

    /** A ListResourceRecordSets page; {@code next} is NextRecordName, NextRecordType, NextRecordIdentifier when truncated. */
    static String page(List<String> sets, String... next) {
        StringBuilder xml = new StringBuilder(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListResourceRecordSetsResponse xmlns=\"")
                .append(NS).append("\"><ResourceRecordSets>");
        sets.forEach(xml::append);
        xml.append("</ResourceRecordSets><IsTruncated>").append(next.length > 0).append("</IsTruncated>");
        if (next.length > 0) {
            xml.append("<NextRecordName>").append(next[0]).append("</NextRecordName><NextRecordType>").append(next[1])
                    .append("</NextRecordType>");
            if (next.length > 2) {
                xml.append("<NextRecordIdentifier>").append(next[2]).append("</NextRecordIdentifier>");
            }
        }
        return xml.append("<MaxItems>300</MaxItems></ListResourceRecordSetsResponse>").toString();
    }

    static MappingBuilder list(String name, String type) {
        return get(urlPathEqualTo(LIST)).withQueryParam("name", equalTo(name)).withQueryParam("type", equalTo(type));
    }

    /** The record's sets and its ownership mark's set as the fixture serves them; restubbed by {@link #recordIs}, {@link #ownerIs}. */
    static List<String> recordSets = List.of();
    static String ownerSet;

    static void ownerIs(String text) {
        ownerSetIs(text == null ? null : valuesSet(OWNER + ".", "TXT", null, null, 60, "\"" + text + "\""));
    }

    /** The mark's TXT set as given, for marks a person changed by hand (several values, another TTL). */
    static void ownerSetIs(String set) {
        ownerSet = set;
        List<String> sets = new ArrayList<>();
        if (set != null) {
            sets.add(set);
        }
        sets.add(valuesSet("www.example.com.", "A", null, null, 60, "192.0.2.99"));
        route53.stubFor(list(OWNER + ".", "TXT").willReturn(aResponse().withStatus(200).withBody(page(sets))));
        stubRecordPage();
    }

    static void recordIs(String... sets) {
        recordSets = List.of(sets);
        stubRecordPage();
    }

    /**
     * The page Route 53 answers from the record's name and type, in its order (names with their labels reversed, then
     * types): the record's sets, its other types, its children whose labels sort before "_" (digits, "-", "*"), the
     * ownership mark (com.example.api._failover-owner.), then the names after it.
     */
    static void stubRecordPage() {
        List<String> page = new ArrayList<>(recordSets);
        page.add(valuesSet("api.example.com.", "AAAA", null, null, 60, "2001:db8::1"));
        page.add(valuesSet("0.api.example.com.", "A", null, null, 60, "192.0.2.97"));
        if (ownerSet != null) {
            page.add(ownerSet);
        }
        page.add(valuesSet("b.api.example.com.", "A", null, null, 60, "192.0.2.98"));
        route53.stubFor(list("api.example.com.", "A").willReturn(aResponse().withStatus(200).withBody(page(page))));
    }

    static ServedRecord served(Route53DnsProvider dns) {
        return served(dns, Optional.empty());
    }

    static ServedRecord served(Route53DnsProvider dns, Optional<String> pendingChange) {
        ReadOutcome read = dns.read(key(), pendingChange);
        assertThat(read).as("read").isInstanceOf(ReadOutcome.Served.class);
        return ((ReadOutcome.Served) read).record();
    }

    // ---- what the provider sent

    /** The changes of the ChangeResourceRecordSets request number {@code index} the fixture received, one line each. */
    static List<String> sentChanges(int index) throws Exception {
        var requests = route53.findAll(postRequestedFor(urlEqualTo(RRSET)));
        assertThat(requests).as("ChangeResourceRecordSets requests").hasSizeGreaterThan(index);
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Document xml = factory.newDocumentBuilder().parse(new ByteArrayInputStream(requests.get(index).getBodyAsString()
                .getBytes(StandardCharsets.UTF_8)));
        assertThat(xml.getDocumentElement().getLocalName()).isEqualTo("ChangeResourceRecordSetsRequest");
        assertThat(xml.getDocumentElement().getNamespaceURI()).isEqualTo(NS);
        List<String> sets = new ArrayList<>();
        NodeList changes = xml.getElementsByTagNameNS(NS, "Change");
        for (int i = 0; i < changes.getLength(); i++) {
            Element change = (Element) changes.item(i);
            StringBuilder s = new StringBuilder(text(change, "Action")).append(' ').append(text(change, "Name"))
                    .append(' ')
                    .append(text(change, "Type"));
            if (!text(change, "SetIdentifier").isEmpty()) {
                s.append(" set=").append(text(change, "SetIdentifier")).append(" weight=")
                        .append(text(change, "Weight"));
            }
            if (!text(change, "DNSName").isEmpty()) {
                s.append(" alias=").append(text(change, "DNSName")).append(" zone=")
                        .append(text(change, "HostedZoneId"))
                        .append(" evaluate=").append(text(change, "EvaluateTargetHealth"));
            } else {
                NodeList values = change.getElementsByTagNameNS(NS, "Value");
                s.append(" ttl=").append(text(change, "TTL"));
                for (int v = 0; v < values.getLength(); v++) {
                    s.append(' ').append(values.item(v).getTextContent());
                }
            }
            sets.add(s.toString());
        }
        return sets;
    }

    static String text(Element parent, String name) {
        NodeList nodes = parent.getElementsByTagNameNS(NS, name);
        return nodes.getLength() == 0 ? "" : nodes.item(0).getTextContent();
    }

    static void changeAnswers(int status, String body) {
        route53.stubFor(post(urlEqualTo(RRSET)).willReturn(aResponse().withStatus(status).withBody(body)));
    }

    // ---- read

    @Test
    void readsTheWeightedSetsAndTheOwnershipMark() {
        recordIs(valuesSet("api.example.com.", "A", "primary", 0L, 60, "192.0.2.10"),
                aliasSet("api.example.com.", "maint", 0, MAINT),
                valuesSet("api.example.com.", "A", "secondary", 100L, 60, "192.0.2.21", "192.0.2.20"));
        ownerIs("failover-owner group=api epoch=3 decision=d-3");

        ServedRecord served = served(provider(Route53Settings.Routing.WEIGHTED));

        assertThat(served.sets()).as("the record's sets, none of the names or types listed after them").containsExactly(
                new RecordSet("primary", 0L, 60, Set.of("192.0.2.10"), null),
                new RecordSet("maint", 0L, null, Set.of(),
                        new TargetDns.Alias("Z35SXDOTRQ7X7K", "maint.elb.amazonaws.com", true)),
                new RecordSet("secondary", 100L, 60, Set.of("192.0.2.20", "192.0.2.21"), null));
        assertThat(served.ownerText()).as("the TXT value without Route 53's quotes")
                .isEqualTo("failover-owner group=api epoch=3 decision=d-3");
        assertThat(served.owner()).contains(mark(3));
        assertThat(served.propagated()).as("no change of ours pending").isTrue();
        assertThat(route53.findAll(getRequestedFor(urlPathEqualTo(LIST)))).as("one page for record and mark")
                .hasSize(1);
    }

    @Test
    void readsASimpleSetAndNoMark() {
        recordIs(valuesSet("api.example.com.", "A", null, null, 300, "192.0.2.10"));
        ownerIs(null);
        ServedRecord served = served(provider(Route53Settings.Routing.SIMPLE));
        assertThat(served.sets()).containsExactly(RecordSet.simple(300, Set.of("192.0.2.10")));
        assertThat(served.ownerText()).as("no TXT record at " + OWNER).isNull();
    }

    @Test
    void readsOnAcrossPagesWhileTheyStillHoldTheRecordsSets() {
        ownerIs(null); // first: the pages below replace the record page it stubs
        route53.stubFor(list("api.example.com.", "A").withQueryParam("identifier", equalTo("primary"))
                .willReturn(aResponse().withStatus(200).withBody(page(List.of(
                        valuesSet("api.example.com.", "A", "primary", 0L, 60, "192.0.2.10")), "api.example.com.", "A",
                        "secondary")))
                .atPriority(1));
        route53.stubFor(list("api.example.com.", "A").withQueryParam("identifier", equalTo("secondary"))
                .willReturn(aResponse().withStatus(200).withBody(page(List.of(
                        valuesSet("api.example.com.", "A", "secondary", 100L, 60, "192.0.2.20")), "www.example.com.",
                        "A")))
                .atPriority(1));
        route53.stubFor(list("api.example.com.", "A").willReturn(aResponse().withStatus(200).withBody(page(List.of(
                valuesSet("api.example.com.", "A", "canary", 0L, 60, "192.0.2.30")), "api.example.com.", "A",
                "primary")))
                .atPriority(5));

        ServedRecord served = served(provider(Route53Settings.Routing.WEIGHTED));

        assertThat(served.sets()).as("the sets of all pages").extracting(RecordSet::setIdentifier)
                .containsExactly("canary", "primary", "secondary");
        assertThat(route53.findAll(getRequestedFor(urlPathEqualTo(LIST)).withQueryParam("type", equalTo("A"))))
                .as("three pages; not a fourth for www.example.com., which is another name").hasSize(3);
    }

    /**
     * Route 53 lists names with their labels reversed (com.example.api. before com.example.api._failover-owner.), so the
     * page that starts at the record holds its mark too, unless other names come between for a whole page.
     */
    @Test
    void oneListCallReadsTheRecordAndItsMark() {
        recordIs(valuesSet("api.example.com.", "A", null, null, 60, "192.0.2.10"));
        ownerIs("failover-owner group=api epoch=3 decision=d-3");

        ServedRecord served = served(provider(Route53Settings.Routing.SIMPLE));

        assertThat(served.sets()).containsExactly(RecordSet.simple(60, Set.of("192.0.2.10")));
        assertThat(served.owner()).contains(mark(3));
        assertThat(route53.findAll(getRequestedFor(urlPathEqualTo(LIST))))
                .as("ListResourceRecordSets calls of one read")
                .hasSize(1);
        assertThat(route53.getAllServeEvents()).as("requests of one read (no change of ours pending)").hasSize(1);

        ownerIs(null);
        assertThat(served(provider(Route53Settings.Routing.SIMPLE)).ownerText())
                .as("a whole page past the record without the mark: there is none").isNull();
        assertThat(route53.findAll(getRequestedFor(urlPathEqualTo(LIST)))).as("one more call for the second read")
                .hasSize(2);
    }

    @Test
    void aPageThatEndsBeforeTheMarkIsReadOnFromTheMark() {
        ownerIs("failover-owner group=api epoch=3 decision=d-3");
        route53.stubFor(list("api.example.com.", "A").willReturn(aResponse().withStatus(200).withBody(page(List.of(
                valuesSet("api.example.com.", "A", null, null, 60, "192.0.2.10"),
                valuesSet("0.api.example.com.", "A", null, null, 60, "192.0.2.97")), "1.api.example.com.", "A"))));

        ServedRecord served = served(provider(Route53Settings.Routing.SIMPLE));

        assertThat(served.sets()).containsExactly(RecordSet.simple(60, Set.of("192.0.2.10")));
        assertThat(served.owner()).as("read from a second call that starts at the mark").contains(mark(3));
        assertThat(route53.findAll(getRequestedFor(urlPathEqualTo(LIST)))).hasSize(2);
    }

    /** Many groups read at once from many threads: the instance's calls stay under its rate, all of them together. */
    @Test
    void theLimiterHoldsABurstOfManyGroupsUnderTheRate() throws Exception {
        recordIs(valuesSet("api.example.com.", "A", null, null, 60, "192.0.2.10"));
        ownerIs("failover-owner group=api epoch=3 decision=d-3");
        Route53DnsProvider dns = provider(Route53Settings.Routing.SIMPLE, 5);
        int groups = 16;
        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<ReadOutcome>> reads = new ArrayList<>();
            for (int i = 0; i < groups; i++) {
                reads.add(pool.submit(() -> dns.read(key(), Optional.empty())));
            }
            for (var read : reads) {
                assertThat(read.get()).isInstanceOf(ReadOutcome.Served.class);
            }
        } finally {
            pool.shutdownNow();
        }
        List<Long> at = route53.getAllServeEvents().stream().map(e -> e.getRequest().getLoggedDate().getTime()).sorted()
                .toList();
        assertThat(at).hasSize(groups);
        // the calls' turns are 200 ms apart; when they reach the fixture is that plus scheduling delay, which can bring
        // two calls closer on a busy machine (one pair 944 ms apart for 5 calls was seen), so the rate is asserted over
        // the whole burst: without the limiter it takes a few milliseconds
        assertThat(at.get(groups - 1) - at.get(0)).as("ms from the first call to the last: 15 intervals of 200 ms")
                .isGreaterThanOrEqualTo(15 * 200 - 50);
    }

    /**
     * The write's reference is the change id; a read asked about it says whether GetChange reports it INSYNC. The
     * provider keeps nothing itself: another instance, given the id, answers the same.
     */
    @Test
    void aWrittenChangeIsNotPropagatedWhileGetChangeSaysPending() {
        recordIs(valuesSet("api.example.com.", "A", "secondary", 100L, 60, "192.0.2.20"));
        ownerIs("failover-owner group=api epoch=1 decision=d-1");
        changeAnswers(200, changeInfo("ChangeResourceRecordSetsResponse", "PENDING"));
        route53.stubFor(get(urlEqualTo(CHANGE)).inScenario("propagation").whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("in sync")
                .willReturn(aResponse().withStatus(200).withBody(changeInfo("GetChangeResponse", "PENDING"))));
        route53.stubFor(get(urlEqualTo(CHANGE)).inScenario("propagation").whenScenarioStateIs("in sync")
                .willReturn(aResponse().withStatus(200).withBody(changeInfo("GetChangeResponse", "INSYNC"))));
        Route53DnsProvider dns = provider(Route53Settings.Routing.WEIGHTED);

        WriteOutcome written = dns.write(failover(null, 1));
        assertThat(written).isInstanceOfSatisfying(WriteOutcome.Written.class,
                w -> assertThat(w.reference()).as("the change id, without /change/").isEqualTo("C2682N5HXP0BZ4"));
        Optional<String> change = Optional.of(((WriteOutcome.Written) written).reference());

        assertThat(served(dns).propagated()).as("asked about no change: no GetChange").isTrue();
        assertThat(route53.findAll(getRequestedFor(urlEqualTo(CHANGE)))).as("GetChange calls").isEmpty();
        assertThat(served(dns, change).propagated()).as("GetChange: PENDING").isFalse();
        assertThat(served(provider(Route53Settings.Routing.WEIGHTED), change).propagated())
                .as("another instance asked about the change: GetChange INSYNC").isTrue();
        assertThat(route53.findAll(getRequestedFor(urlEqualTo(CHANGE)))).as("one GetChange per read asked about it")
                .hasSize(2);
    }

    /** The budget of a read: one list call; one GetChange only while a change is asked about. */
    @Test
    void aReadAskedAboutAChangeMakesOneListAndOneGetChangeCall() {
        recordIs(valuesSet("api.example.com.", "A", null, null, 60, "192.0.2.10"));
        ownerIs("failover-owner group=api epoch=3 decision=d-3");
        route53.stubFor(get(urlEqualTo(CHANGE)).willReturn(aResponse().withStatus(200)
                .withBody(changeInfo("GetChangeResponse", "PENDING"))));

        assertThat(served(provider(Route53Settings.Routing.SIMPLE), Optional.of("C2682N5HXP0BZ4")).propagated())
                .isFalse();

        assertThat(route53.findAll(getRequestedFor(urlPathEqualTo(LIST)))).as("list calls").hasSize(1);
        assertThat(route53.findAll(getRequestedFor(urlEqualTo(CHANGE)))).as("GetChange calls").hasSize(1);
        assertThat(route53.getAllServeEvents()).as("requests of the read").hasSize(2);
    }

    /**
     * Route 53 keeps changes for a limited time: a change id stored long ago (an owner restored after days) answers
     * NoSuchChange, which is a change long applied, not a group waiting for ever.
     */
    @Test
    void aChangeRoute53NoLongerKnowsIsPropagated() {
        recordIs(valuesSet("api.example.com.", "A", null, null, 60, "192.0.2.10"));
        ownerIs("failover-owner group=api epoch=3 decision=d-3");
        route53.stubFor(get(urlEqualTo(CHANGE)).willReturn(aResponse().withStatus(404).withBody(error("Sender",
                "NoSuchChange", "A change with the specified change ID does not exist."))));

        assertThat(served(provider(Route53Settings.Routing.SIMPLE), Optional.of("C2682N5HXP0BZ4")).propagated())
                .as("NoSuchChange").isTrue();
        assertThat(route53.findAll(getRequestedFor(urlEqualTo(CHANGE)))).as("GetChange asked").hasSize(1);
    }

    // ---- write

    @Test
    void theFirstWriteCreatesTheMarkBesideTheUpsertsInOneBatch() throws Exception {
        recordIs(); // a new record: no set of the name yet (Route53TakeOverTest has the sets made before the plane)
        changeAnswers(200, changeInfo("ChangeResourceRecordSetsResponse", "PENDING"));
        WriteOutcome outcome = provider(Route53Settings.Routing.WEIGHTED).write(failover(null, 1));
        assertThat(outcome).isInstanceOf(WriteOutcome.Written.class);
        assertThat(route53.findAll(postRequestedFor(urlEqualTo(RRSET)))).as("one atomic request").hasSize(1);
        assertThat(sentChanges(0)).as("no mark yet: only its CREATE, which fails if one appeared meanwhile")
                .containsExactly(
                        "CREATE " + OWNER + " TXT ttl=60 \"failover-owner group=api epoch=1 decision=d-1\"",
                        "UPSERT api.example.com A set=secondary weight=100 ttl=60 192.0.2.20 192.0.2.21",
                        "UPSERT api.example.com A set=primary weight=0 ttl=60 192.0.2.10",
                        "UPSERT api.example.com A set=maint weight=0 alias=maint.elb.amazonaws.com zone=Z35SXDOTRQ7X7K evaluate=true");
        assertThat(route53.findAll(postRequestedFor(urlEqualTo(RRSET))).get(0).getHeader("Authorization"))
                .startsWith("AWS4-HMAC-SHA256 Credential=AKIDTEST/").doesNotContain("secret-not-logged");
    }

    @Test
    void aLaterWriteDeletesTheExactMarkItReadAndCreatesItsOwn() throws Exception {
        changeAnswers(200, changeInfo("ChangeResourceRecordSetsResponse", "PENDING"));
        RecordWrite simple = new RecordWrite(key(), "failover-owner group=api epoch=1 decision=d-1", mark(2),
                List.of(RecordSet.simple(30, Set.of("192.0.2.10"))));
        assertThat(provider(Route53Settings.Routing.SIMPLE).write(simple)).isInstanceOf(WriteOutcome.Written.class);
        assertThat(sentChanges(0)).containsExactly(
                "DELETE " + OWNER + " TXT ttl=60 \"failover-owner group=api epoch=1 decision=d-1\"",
                "CREATE " + OWNER + " TXT ttl=60 \"failover-owner group=api epoch=2 decision=d-2\"",
                "UPSERT api.example.com A ttl=30 192.0.2.10");
    }

    /**
     * The fixture keeps epoch 2's mark and, as Route 53 does, applies a batch only when its DELETE matches that value
     * exactly: the writer that read epoch 2 gets through, a stale writer that still holds epoch 1's view is refused.
     */
    @Test
    void aStaleWriterIsRefusedByRoute53() throws Exception {
        String current = "failover-owner group=api epoch=2 decision=d-2";
        route53.stubFor(post(urlEqualTo(RRSET))
                .withRequestBody(matchingXPath("//*[local-name()='Change'][*[local-name()="
                        + "'Action']='DELETE']//*[local-name()='Value'][.='\"" + current + "\"']"))
                .atPriority(1)
                .willReturn(aResponse().withStatus(200)
                        .withBody(changeInfo("ChangeResourceRecordSetsResponse", "PENDING"))));
        route53.stubFor(post(urlEqualTo(RRSET)).atPriority(5)
                .willReturn(aResponse().withStatus(400).withBody(error("Sender",
                        "InvalidChangeBatch",
                        "[Tried to delete resource record set [name='" + OWNER + ".', type='TXT'] but the values "
                                + "provided do not match the current values]"))));
        Route53DnsProvider dns = provider(Route53Settings.Routing.WEIGHTED);

        WriteOutcome stale = dns.write(failover("failover-owner group=api epoch=1 decision=d-1", 3));
        assertThat(stale).as("a DELETE of epoch 1's mark, which is no longer there")
                .isInstanceOfSatisfying(WriteOutcome.OwnerChanged.class,
                        c -> assertThat(c.reason()).contains("InvalidChangeBatch")
                                .contains("do not match the current values"));
        assertThat(sentChanges(0).get(0))
                .isEqualTo("DELETE " + OWNER + " TXT ttl=60 \"failover-owner group=api epoch=1 decision=d-1\"");

        assertThat(dns.write(failover(current, 3))).as("the writer that read the current mark")
                .isInstanceOf(WriteOutcome.Written.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "Tried to delete resource record set [name='" + OWNER + ".', type='TXT'] but it was not found",
            "[Tried to delete resource record set [name='" + OWNER
                    + ".', type='TXT'] but the values provided do not match the current values]",
            "Tried to create resource record set [name='" + OWNER + ".', type='TXT'] but it already exists" })
    void route53RefusingTheMarksChangeIsOwnerChanged(String message) {
        changeAnswers(400, error("Sender", "InvalidChangeBatch", message));
        assertThat(provider(Route53Settings.Routing.WEIGHTED)
                .write(failover("failover-owner group=api epoch=1 decision=d-1", 2)))
                .as("another writer moved the mark: read again").isInstanceOfSatisfying(WriteOutcome.OwnerChanged.class,
                        c -> assertThat(c.reason()).contains(message));
    }

    /**
     * The switch asked for before a database moves. The request is the write's own batch, conditional on an ownership
     * value no record holds: Route 53 authorizes it and refuses it only for that condition (the switch would be taken,
     * nothing changed); an AccessDenied or another InvalidChangeBatch is the refusal the write would meet.
     */
    @Test
    void aPreflightSendsTheWritesBatchOnAConditionNoRecordMeets() throws Exception {
        Route53DnsProvider dns = provider(Route53Settings.Routing.SIMPLE);
        RecordWrite simple = new RecordWrite(key(), "failover-owner group=api epoch=1 decision=d-1", mark(2),
                List.of(RecordSet.simple(30, Set.of("192.0.2.10"))));
        changeAnswers(400, error("Sender", "InvalidChangeBatch", "[Tried to delete resource record set [name='" + OWNER
                + ".', type='TXT'] but the values provided do not match the current values, Tried to create resource record"
                + " set [name='" + OWNER + ".', type='TXT'] but it already exists]"));
        assertThat(dns.preflight(simple)).hasValueSatisfying(o -> assertThat(o).isInstanceOfSatisfying(
                WriteOutcome.Written.class,
                w -> assertThat(w.details()).contains("authorized").contains("changing nothing")));
        List<String> sent = sentChanges(0);
        assertThat(sent.get(0)).startsWith("DELETE " + OWNER + " TXT ttl=60 \"failover-preflight ");
        assertThat(sent.subList(1, sent.size())).as("the write's own changes, without its condition").containsExactly(
                "CREATE " + OWNER + " TXT ttl=60 \"failover-owner group=api epoch=2 decision=d-2\"",
                "UPSERT api.example.com A ttl=30 192.0.2.10");

        changeAnswers(403,
                error("Sender", "AccessDenied", "User: arn:aws:iam::123456789012:user/actuator is not authorized to "
                        + "perform: route53:ChangeResourceRecordSets on resource: arn:aws:route53:::hostedzone/"
                        + ZONE_ID));
        assertThat(dns.preflight(simple)).hasValueSatisfying(o -> assertThat(o).isInstanceOfSatisfying(
                WriteOutcome.Rejected.class, r -> assertThat(r.reason()).contains("AccessDenied")));
        changeAnswers(400,
                error("Sender", "InvalidChangeBatch", "[RRSet with DNS name api.example.com. is not permitted in zone "
                        + "example.org.]"));
        assertThat(dns.preflight(simple)).hasValueSatisfying(o -> assertThat(o).as("a batch the zone does not take")
                .isInstanceOf(WriteOutcome.Rejected.class));
        changeAnswers(400, error("Sender", "Throttling", "Rate exceeded"));
        assertThat(dns.preflight(simple))
                .hasValueSatisfying(o -> assertThat(o).isInstanceOf(WriteOutcome.Throttled.class));
    }

    @Test
    void otherRefusalsAreRejectedWithTheProvidersMessage() {
        recordIs(); // a first write lists its record before it writes
        Route53DnsProvider dns = provider(Route53Settings.Routing.WEIGHTED);
        changeAnswers(400,
                error("Sender", "InvalidChangeBatch", "[RRSet with DNS name api.example.com. is not permitted in zone "
                        + "example.org.]"));
        assertThat(dns.write(failover(null, 1))).isInstanceOfSatisfying(WriteOutcome.Rejected.class,
                r -> assertThat(r.reason()).contains("InvalidChangeBatch").contains("is not permitted in zone"));
        changeAnswers(400,
                error("Sender", "InvalidChangeBatch", "Tried to create resource record set [name='api.example.com.', "
                        + "type='CNAME'] but it already exists"));
        assertThat(dns.write(failover(null, 1))).as("a conflict on another record set than the mark")
                .isInstanceOf(WriteOutcome.Rejected.class);
        changeAnswers(400,
                error("Sender", "InvalidInput", "Invalid request: Expected exactly one of [AliasTarget, all of [TTL, "
                        + "and ResourceRecords]], but found none in Change with [Action=CREATE, Name=" + OWNER
                        + "., Type=TXT]"));
        assertThat(dns.write(failover(null, 1))).as("InvalidInput naming the mark is still no owner change")
                .isInstanceOf(WriteOutcome.Rejected.class);
        // the older document form, which the SDK does not parse into a code: still a 400, still not retried
        changeAnswers(400, "<?xml version=\"1.0\"?><InvalidChangeBatch xmlns=\"" + NS
                + "\"><Messages><Message>Tried to create "
                + "resource record set api.example.com. type A, but it already exists</Message></Messages></InvalidChangeBatch>");
        assertThat(dns.write(failover(null, 1))).isInstanceOfSatisfying(WriteOutcome.Rejected.class,
                r -> assertThat(r.reason()).contains("HTTP 400"));
        changeAnswers(403,
                error("Sender", "AccessDenied", "User: arn:aws:iam::123456789012:user/actuator is not authorized to "
                        + "perform: route53:ChangeResourceRecordSets on resource: arn:aws:route53:::hostedzone/"
                        + ZONE_ID));
        assertThat(dns.write(failover(null, 1))).isInstanceOfSatisfying(WriteOutcome.Rejected.class,
                r -> assertThat(r.reason()).contains("AccessDenied").contains("route53:ChangeResourceRecordSets"));
    }

    @Test
    void throttlingAndPriorRequestNotCompleteAreThrottledA503IsUnavailable() {
        recordIs(); // a first write lists its record before it writes
        Route53DnsProvider dns = provider(Route53Settings.Routing.WEIGHTED);
        changeAnswers(400, error("Sender", "Throttling", "Rate exceeded"));
        assertThat(dns.write(failover(null, 1))).isInstanceOfSatisfying(WriteOutcome.Throttled.class,
                u -> assertThat(u.reason()).contains("Throttling").contains("Rate exceeded"));
        changeAnswers(400,
                error("Sender", "PriorRequestNotComplete", "The request was rejected because Route 53 was still "
                        + "processing a prior request."));
        assertThat(dns.write(failover(null, 1))).isInstanceOf(WriteOutcome.Throttled.class);
        changeAnswers(503, error("Receiver", "ServiceUnavailable", "The service is unavailable."));
        assertThat(dns.write(failover(null, 1))).isInstanceOf(WriteOutcome.Unavailable.class);

        route53.stubFor(
                get(urlPathEqualTo(LIST)).willReturn(aResponse().withStatus(400).withBody(error("Sender", "Throttling",
                        "Rate exceeded"))));
        assertThat(dns.read(key(), Optional.empty())).as("a throttled read")
                .isInstanceOfSatisfying(ReadOutcome.Throttled.class,
                        t -> assertThat(t.reason()).contains("Throttling"));
    }

    // ---- through the reconciler

    static final Instant T0 = Instant.parse("2026-11-22T03:00:00Z");
    final ManualClock clock = new ManualClock(T0);
    final List<ActuationResult> results = new ArrayList<>();

    /** The group api.example.com in the fixture's zone, simple routing, with the real provider against the fixture. */
    GroupReconciler reconciler(Route53DnsProvider dns, Backoff backoff) {
        GroupReconciler group = reconciler(dns, backoff, state -> {
        });
        group.offer(DECISION);
        return group;
    }

    static final Decision DECISION = new Decision(1, "d-4", "api", 4L, DecisionKind.FAILOVER, "primary", "secondary",
            "test",
            List.of(), T0, DecisionMode.LIVE, Decision.AUTOMATION);

    /** As above, storing desired states in {@code store}, with no decision yet. */
    GroupReconciler reconciler(Route53DnsProvider dns, Backoff backoff, DesiredStore store) {
        Topology topology = TopologyLoader.parse("""
                version: 1
                locations: [loc-a]
                groups:
                  - id: api
                    dns: {zone: example.com., name: api.example.com., ttl: 60, hostedZoneId: %s}
                    targets:
                      - {id: primary, region: us-east-1, probe: {type: tcp, host: 192.0.2.10, port: 443}, dns: {values: [192.0.2.10]}}
                      - {id: secondary, region: us-west-2, probe: {type: tcp, host: 192.0.2.20, port: 443}, dns: {values: [192.0.2.20]}}
                """.formatted(ZONE_ID), "test");
        return Reconcilers.group("api", topology, dns, TrafficPlans.of(DnsProvider.Routing.SINGLE, 100,
                List.of()),
                Reconcilers.minimal(Scalers.none(), store, results::add, clock,
                        new ReconcileSettings(Duration.ofSeconds(10),
                                Duration.ofSeconds(2), backoff, Duration.ZERO, null)));
    }

    /** Runs {@code passes} passes, moving the clock by what each asks; returns the waits asked for. */
    List<Duration> passes(GroupReconciler group, int passes) {
        List<Duration> waits = new ArrayList<>();
        for (int i = 0; i < passes; i++) {
            Duration wait = group.run();
            waits.add(wait);
            clock.advance(wait);
        }
        return waits;
    }

    static final Backoff BACKOFF = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ZERO, () -> 0.0,
            Duration.ofSeconds(30));

    @Test
    void aThrottledGroupBacksOffUpToTheThrottlingCapAnOutageOnlyUpToTheUsualOne() {
        route53.stubFor(
                get(urlPathEqualTo(LIST)).willReturn(aResponse().withStatus(400).withBody(error("Sender", "Throttling",
                        "Rate exceeded"))));
        GroupReconciler group = reconciler(provider(Route53Settings.Routing.SIMPLE), BACKOFF);

        assertThat(passes(group, 10)).as("waits after each throttled pass").extracting(Duration::toMillis)
                .containsExactly(200L, 400L, 800L, 1600L, 3200L, 6400L, 12800L, 25600L, 30000L, 30000L);
        assertThat(group.status().convergence()).isInstanceOfSatisfying(Convergence.Converging.class,
                c -> assertThat(c.lastError()).contains("Throttling"));

        route53.stubFor(get(urlPathEqualTo(LIST)).willReturn(aResponse().withStatus(503).withBody(error("Receiver",
                "ServiceUnavailable", "The service is unavailable."))));
        GroupReconciler other = reconciler(provider(Route53Settings.Routing.SIMPLE), BACKOFF);
        assertThat(passes(other, 5)).as("waits after each pass that found Route 53 unavailable")
                .extracting(Duration::toMillis)
                .containsExactly(200L, 400L, 800L, 1000L, 1000L);
    }

    /**
     * The actuator that wrote a change restarts, or the group's partition moves to another region's actuator, while
     * Route 53 still propagates the change: the list already shows the new values under our mark, but GetChange says
     * PENDING for up to a minute. The new owner, restored from the stored desired state, must wait for INSYNC as the
     * writer would have, not report the group CONVERGED (which the decision-service counts as the switch served).
     */
    @Test
    void aNewOwnerWaitsForTheChangeItsPredecessorWroteUntilInsync() throws Exception {
        recordIs(valuesSet("api.example.com.", "A", null, null, 60, "192.0.2.10"));
        ownerIs(null);
        changeAnswers(200, changeInfo("ChangeResourceRecordSetsResponse", "PENDING"));
        route53.stubFor(get(urlEqualTo(CHANGE)).willReturn(aResponse().withStatus(200)
                .withBody(changeInfo("GetChangeResponse", "PENDING"))));
        List<DesiredState> stored = new ArrayList<>();
        GroupReconciler writer = reconciler(provider(Route53Settings.Routing.SIMPLE), BACKOFF, stored::add);
        writer.offer(DECISION);
        stored.add(DesiredState.of(DECISION)); // as the decision listener stores an accepted decision before acting on it

        writer.run();
        assertThat(route53.findAll(postRequestedFor(urlEqualTo(RRSET)))).as("the switch written").hasSize(1);
        assertThat(stored.get(stored.size() - 1).changeToCheck(ProviderLane.ONLY))
                .as("the change id, stored with the desired state").contains("C2682N5HXP0BZ4");
        // Route 53 took the batch: its list serves it at once, while the change is still PENDING
        String mark = sentChanges(0).get(0).replaceFirst("^CREATE \\S+ TXT ttl=60 \"(.*)\"$", "$1");
        recordIs(valuesSet("api.example.com.", "A", null, null, 60, "192.0.2.20"));
        ownerIs(mark);

        // the writer stops here; a new process takes the group over from what was stored
        GroupReconciler newOwner = reconciler(provider(Route53Settings.Routing.SIMPLE), BACKOFF, stored::add);
        newOwner.restore(stored.get(stored.size() - 1));
        passes(newOwner, 3);

        assertThat(newOwner.status().convergence()).as("GetChange still says PENDING")
                .isInstanceOf(Convergence.Converging.class);
        assertThat(results).as("nothing CONVERGED while the change is PENDING")
                .noneSatisfy(r -> assertThat(r.status()).isEqualTo(ActuationStatus.CONVERGED));
        assertThat(route53.findAll(getRequestedFor(urlEqualTo(CHANGE)))).as("the new owner asks GetChange")
                .isNotEmpty();

        route53.stubFor(get(urlEqualTo(CHANGE)).willReturn(aResponse().withStatus(200)
                .withBody(changeInfo("GetChangeResponse", "INSYNC"))));
        passes(newOwner, 1);
        assertThat(newOwner.status().convergence()).as("INSYNC").isInstanceOf(Convergence.Converged.class);
        assertThat(route53.findAll(postRequestedFor(urlEqualTo(RRSET)))).as("the new owner wrote nothing").hasSize(1);
    }

    /** How Route 53 answers the DELETE of one value of a mark that holds others, or has another TTL. */
    static void markDeleteRefused() {
        changeAnswers(400, error("Sender", "InvalidChangeBatch", "[Tried to delete resource record set [name='" + OWNER
                + ".', type='TXT'] but the values provided do not match the current values]"));
    }

    @Test
    void aMarkWithSeveralValuesBlocksTheGroupNamingTheValuesToRemove() {
        recordIs(valuesSet("api.example.com.", "A", null, null, 60, "192.0.2.10"));
        ownerSetIs(valuesSet(OWNER + ".", "TXT", null, null, 60, "\"failover-owner group=api epoch=3 decision=d-3\"",
                "\"v=added-by-hand\""));
        markDeleteRefused();
        GroupReconciler group = reconciler(provider(Route53Settings.Routing.SIMPLE), BACKOFF);

        passes(group, 4);

        assertThat(group.status().convergence()).as("not CONVERGING for ever on an owner change that never ends")
                .isInstanceOfSatisfying(Convergence.Blocked.class, b -> assertThat(b.reason()).contains(OWNER)
                        .contains("2 values").contains("remove 'v=added-by-hand'")
                        .contains("failover-owner group=api epoch=3 decision=d-3"));
        assertThat(route53.findAll(postRequestedFor(urlEqualTo(RRSET)))).as("no write tried").isEmpty();
        assertThat(results).anySatisfy(r -> assertThat(r.status()).isEqualTo(ActuationStatus.BLOCKED));
    }

    @Test
    void aMarkWithTheConsolesDefaultTtlBlocksTheGroupNamingTheTtl() {
        recordIs(valuesSet("api.example.com.", "A", null, null, 60, "192.0.2.10"));
        ownerSetIs(valuesSet(OWNER + ".", "TXT", null, null, 300, "\"failover-owner group=api epoch=3 decision=d-3\""));
        markDeleteRefused();
        GroupReconciler group = reconciler(provider(Route53Settings.Routing.SIMPLE), BACKOFF);

        passes(group, 4);

        assertThat(group.status().convergence()).isInstanceOfSatisfying(Convergence.Blocked.class,
                b -> assertThat(b.reason()).contains(OWNER).contains("TTL 300").contains("set its TTL to 60"));
        assertThat(route53.findAll(postRequestedFor(urlEqualTo(RRSET)))).as("no write tried").isEmpty();
    }

    @Test
    void aReadWithoutPermissionIsRejected() {
        route53.stubFor(get(urlPathEqualTo(LIST)).willReturn(aResponse().withStatus(403).withBody(error("Sender",
                "AccessDenied", "User: arn:aws:iam::123456789012:user/actuator is not authorized to perform: "
                        + "route53:ListResourceRecordSets"))));
        assertThat(provider(Route53Settings.Routing.WEIGHTED).read(key(), Optional.empty()))
                .isInstanceOfSatisfying(ReadOutcome.Rejected.class,
                        r -> assertThat(r.reason()).contains("AccessDenied")
                                .contains("route53:ListResourceRecordSets"));
    }

    @Test
    void aGroupWithoutAHostedZoneIsRejectedWithoutACall() {
        RecordKey noZone = new RecordKey("api", "example.com.", "api.example.com", RecordType.A, null);
        Route53DnsProvider dns = provider(Route53Settings.Routing.WEIGHTED);
        assertThat(dns.read(noZone, Optional.empty())).isInstanceOf(ReadOutcome.Rejected.class);
        assertThat(
                dns.write(new RecordWrite(noZone, null, mark(1), List.of(RecordSet.simple(60, Set.of("192.0.2.1"))))))
                .isInstanceOf(WriteOutcome.Rejected.class);
        assertThat(route53.getAllServeEvents()).as("no request").isEmpty();
    }

    @Test
    void anUnreachableEndpointIsUnavailable() {
        try (Route53Client nowhere = Route53Fixtures.client(URI.create("http://127.0.0.1:1"))) {
            Route53DnsProvider dns = Route53Fixtures.provider(nowhere, Route53Fixtures.settings(
                    Route53Settings.Routing.WEIGHTED, Route53Settings.DEFAULT_REQUESTS_PER_SECOND,
                    Route53Settings.TakeOver.REFUSE));
            assertThat(dns.read(key(), Optional.empty())).isInstanceOf(ReadOutcome.Unavailable.class);
            assertThat(dns.write(failover(null, 1))).isInstanceOf(WriteOutcome.Unavailable.class);
        }
    }

    @Test
    void txtValuesAreQuotedAsRoute53TakesThem() {
        assertThat(Route53DnsProvider.quote("a \"b\" \\c")).isEqualTo("\"a \\\"b\\\" \\\\c\"");
        assertThat(Route53DnsProvider.unquote(Route53DnsProvider.quote("a \"b\" \\c"))).isEqualTo("a \"b\" \\c");
    }
}
