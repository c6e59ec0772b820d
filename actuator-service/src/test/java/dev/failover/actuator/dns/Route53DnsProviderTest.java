package dev.failover.actuator.dns;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;

import dev.failover.contract.topology.RecordType;
import dev.failover.contract.topology.TargetDns;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.route53.Route53Client;

/**
 * The real AWS SDK against a local HTTP fixture that checks the ChangeBatch XML it sends and answers as the Route 53 API
 * reference documents (ChangeInfo, GetChange PENDING then INSYNC, Throttling, PriorRequestNotComplete,
 * InvalidChangeBatch).
 */
class Route53DnsProviderTest {

    static final String NS = "https://route53.amazonaws.com/doc/2013-04-01/";
    static final String RRSET = "/2013-04-01/hostedzone/Z0123456789ABC/rrset/";
    static WireMockServer route53;
    static Route53Client client;

    @BeforeAll
    static void start() {
        route53 = new WireMockServer(options().dynamicPort());
        route53.start();
        client = Route53Client.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + route53.port()))
                .region(Region.AWS_GLOBAL)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret-not-logged")))
                .httpClient(UrlConnectionHttpClient.builder().build())
                .overrideConfiguration(c -> c.retryStrategy(software.amazon.awssdk.awscore.retry.AwsRetryStrategy.doNotRetry()))
                .build();
    }

    @AfterAll
    static void stop() {
        client.close();
        route53.stop();
    }

    @BeforeEach
    void reset() {
        route53.resetAll();
    }

    static DnsChange failover() {
        return new DnsChange("example.com.", "api.example.com.", RecordType.A, 60, List.of("192.0.2.20", "192.0.2.21"), null,
                "secondary", "secondary", "Z0123456789ABC",
                List.of(new DnsChange.Inactive("primary", "primary", List.of("192.0.2.10"), null),
                        new DnsChange.Inactive("maintenance", "maint",
                                List.of(), new TargetDns.Alias("Z35SXDOTRQ7X7K", "maint.elb.amazonaws.com.", true))), null);
    }

    static String changeInfo(String root, String status) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><" + root + " xmlns=\"" + NS + "\"><ChangeInfo><Id>/change/C2682N5HXP0BZ4"
                + "</Id><Status>" + status + "</Status><SubmittedAt>2026-11-21T10:00:00.000Z</SubmittedAt></ChangeInfo></" + root + ">";
    }

    static String error(String code, String message) {
        return "<?xml version=\"1.0\"?><ErrorResponse xmlns=\"" + NS + "\"><Error><Type>Sender</Type><Code>" + code
                + "</Code><Message>" + message + "</Message></Error><RequestId>r-1</RequestId></ErrorResponse>";
    }

    static Route53Settings settings(Route53Settings.Routing routing, List<Integer> failbackSteps, Duration pollInterval) {
        return new Route53Settings(routing, 100, failbackSteps, Duration.ZERO, "aws-global", Optional.empty(),
                Duration.ofSeconds(5), pollInterval);
    }

    static Route53DnsProvider provider(Route53Settings.Routing routing) {
        return new Route53DnsProvider(client, settings(routing, List.of(), Duration.ofMillis(20)));
    }

    /** The record sets of the one ChangeResourceRecordSets request the fixture received: identifier → weight, data. */
    static List<String> sentRecordSets() throws Exception {
        assertThat(route53.findAll(postRequestedFor(urlEqualTo(RRSET)))).hasSize(1);
        return sentRecordSets(0);
    }

    static List<String> sentRecordSets(int index) throws Exception {
        var requests = route53.findAll(postRequestedFor(urlEqualTo(RRSET))).subList(index, index + 1);
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Document xml = factory.newDocumentBuilder().parse(new ByteArrayInputStream(requests.get(0).getBodyAsString()
                .getBytes(StandardCharsets.UTF_8)));
        assertThat(xml.getDocumentElement().getLocalName()).isEqualTo("ChangeResourceRecordSetsRequest");
        assertThat(xml.getDocumentElement().getNamespaceURI()).isEqualTo(NS);
        List<String> sets = new ArrayList<>();
        NodeList changes = xml.getElementsByTagNameNS(NS, "Change");
        for (int i = 0; i < changes.getLength(); i++) {
            Element change = (Element) changes.item(i);
            StringBuilder s = new StringBuilder(text(change, "Action")).append(' ').append(text(change, "Name")).append(' ')
                    .append(text(change, "Type"));
            if (!text(change, "SetIdentifier").isEmpty()) {
                s.append(" set=").append(text(change, "SetIdentifier")).append(" weight=").append(text(change, "Weight"));
            }
            if (!text(change, "DNSName").isEmpty()) {
                s.append(" alias=").append(text(change, "DNSName")).append(" zone=").append(text(change, "HostedZoneId"))
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

    @Test
    void weightedSwitchSendsOneAtomicBatchWithTheActiveTargetAloneWeighted() throws Exception {
        route53.stubFor(post(urlEqualTo(RRSET)).willReturn(aResponse().withStatus(200)
                .withBody(changeInfo("ChangeResourceRecordSetsResponse", "PENDING"))));
        DnsProvider.ApplyOutcome outcome = provider(Route53Settings.Routing.WEIGHTED).apply(failover());
        assertThat(outcome).isInstanceOfSatisfying(DnsProvider.ApplyOutcome.Applied.class,
                a -> assertThat(a.reference()).isEqualTo("C2682N5HXP0BZ4"));
        assertThat(sentRecordSets()).containsExactly(
                "UPSERT api.example.com. A set=secondary weight=100 ttl=60 192.0.2.20 192.0.2.21",
                "UPSERT api.example.com. A set=primary weight=0 ttl=60 192.0.2.10",
                "UPSERT api.example.com. A set=maint weight=0 alias=maint.elb.amazonaws.com. zone=Z35SXDOTRQ7X7K evaluate=true");
        assertThat(route53.findAll(postRequestedFor(urlEqualTo(RRSET))).get(0).getHeader("Authorization"))
                .startsWith("AWS4-HMAC-SHA256 Credential=AKIDTEST/").doesNotContain("secret-not-logged");
    }

    @Test
    void aGradualFailbackMovesTrafficInStepsEachInSync() throws Exception {
        route53.stubFor(post(urlEqualTo(RRSET)).willReturn(aResponse().withStatus(200)
                .withBody(changeInfo("ChangeResourceRecordSetsResponse", "PENDING"))));
        route53.stubFor(get(urlEqualTo("/2013-04-01/change/C2682N5HXP0BZ4")).willReturn(aResponse().withStatus(200)
                .withBody(changeInfo("GetChangeResponse", "INSYNC"))));
        DnsChange failback = new DnsChange("example.com.", "api.example.com.", RecordType.A, 60, List.of("192.0.2.10"), null,
                "primary", "primary", "Z0123456789ABC",
                List.of(new DnsChange.Inactive("secondary", "secondary", List.of("192.0.2.20"), null)), null).gradualFrom("secondary");
        Route53DnsProvider dns = new Route53DnsProvider(client, settings(Route53Settings.Routing.WEIGHTED,
                List.of(10, 50, 100), Duration.ofMillis(10)));
        assertThat(dns.apply(failback)).isInstanceOf(DnsProvider.ApplyOutcome.Applied.class);
        assertThat(route53.findAll(postRequestedFor(urlEqualTo(RRSET)))).hasSize(3);
        assertThat(sentRecordSets(0)).containsExactly("UPSERT api.example.com. A set=primary weight=10 ttl=60 192.0.2.10",
                "UPSERT api.example.com. A set=secondary weight=90 ttl=60 192.0.2.20");
        assertThat(sentRecordSets(1)).containsExactly("UPSERT api.example.com. A set=primary weight=50 ttl=60 192.0.2.10",
                "UPSERT api.example.com. A set=secondary weight=50 ttl=60 192.0.2.20");
        assertThat(sentRecordSets(2)).containsExactly("UPSERT api.example.com. A set=primary weight=100 ttl=60 192.0.2.10",
                "UPSERT api.example.com. A set=secondary weight=0 ttl=60 192.0.2.20");
    }

    @Test
    void simpleRoutingUpsertsTheOneRecord() throws Exception {
        route53.stubFor(post(urlEqualTo(RRSET)).willReturn(aResponse().withStatus(200)
                .withBody(changeInfo("ChangeResourceRecordSetsResponse", "PENDING"))));
        provider(Route53Settings.Routing.SIMPLE).apply(failover());
        assertThat(sentRecordSets()).containsExactly("UPSERT api.example.com. A ttl=60 192.0.2.20 192.0.2.21");
    }

    @Test
    void verificationFollowsGetChangeFromPendingToInsync() {
        route53.stubFor(get(urlEqualTo("/2013-04-01/change/C2682N5HXP0BZ4")).inScenario("propagation")
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("second")
                .willReturn(aResponse().withStatus(200).withBody(changeInfo("GetChangeResponse", "PENDING"))));
        route53.stubFor(get(urlEqualTo("/2013-04-01/change/C2682N5HXP0BZ4")).inScenario("propagation")
                .whenScenarioStateIs("second").willSetStateTo("done")
                .willReturn(aResponse().withStatus(200).withBody(changeInfo("GetChangeResponse", "PENDING"))));
        route53.stubFor(get(urlEqualTo("/2013-04-01/change/C2682N5HXP0BZ4")).inScenario("propagation")
                .whenScenarioStateIs("done")
                .willReturn(aResponse().withStatus(200).withBody(changeInfo("GetChangeResponse", "INSYNC"))));
        DnsProvider.VerifyOutcome verified = provider(Route53Settings.Routing.WEIGHTED).verify(failover(),
                new DnsProvider.ApplyOutcome.Applied("x", "C2682N5HXP0BZ4"), Duration.ofSeconds(5));
        assertThat(verified).isInstanceOfSatisfying(DnsProvider.VerifyOutcome.Verified.class,
                v -> assertThat(v.details()).contains("INSYNC after 3 GetChange calls"));
    }

    @Test
    void throttlingAndPriorRequestNotCompleteAreWorthRetrying() {
        Route53DnsProvider dns = provider(Route53Settings.Routing.WEIGHTED);
        route53.stubFor(post(urlEqualTo(RRSET)).willReturn(aResponse().withStatus(400).withBody(error("Throttling", "Rate exceeded"))));
        assertThat(dns.apply(failover())).isInstanceOfSatisfying(DnsProvider.ApplyOutcome.Unavailable.class,
                u -> assertThat(u.reason()).contains("Throttling").contains("Rate exceeded"));
        route53.stubFor(post(urlEqualTo(RRSET)).willReturn(aResponse().withStatus(400)
                .withBody(error("PriorRequestNotComplete", "The request was rejected because Route 53 was still processing a prior request."))));
        assertThat(dns.apply(failover())).isInstanceOf(DnsProvider.ApplyOutcome.Unavailable.class);
        route53.stubFor(post(urlEqualTo(RRSET)).willReturn(aResponse().withStatus(503).withBody(error("ServiceUnavailable", "down"))));
        assertThat(dns.apply(failover())).isInstanceOf(DnsProvider.ApplyOutcome.Unavailable.class);
    }

    @Test
    void invalidChangeBatchAndAccessDeniedAreRejectedWithTheProvidersMessage() {
        Route53DnsProvider dns = provider(Route53Settings.Routing.WEIGHTED);
        route53.stubFor(post(urlEqualTo(RRSET)).willReturn(aResponse().withStatus(400).withBody(error("InvalidChangeBatch",
                "[RRSet with DNS name api.example.com. is not permitted in zone example.org.]"))));
        assertThat(dns.apply(failover())).isInstanceOfSatisfying(DnsProvider.ApplyOutcome.Rejected.class,
                r -> assertThat(r.reason()).contains("InvalidChangeBatch").contains("is not permitted in zone"));
        // the older document form, which the SDK does not parse into a code: still a 400, still not retried
        route53.stubFor(post(urlEqualTo(RRSET)).willReturn(aResponse().withStatus(400).withBody("<?xml version=\"1.0\"?>"
                + "<InvalidChangeBatch xmlns=\"" + NS + "\"><Messages><Message>Tried to create resource record set "
                + "api.example.com. type A, but it already exists</Message></Messages></InvalidChangeBatch>")));
        assertThat(dns.apply(failover())).isInstanceOfSatisfying(DnsProvider.ApplyOutcome.Rejected.class,
                r -> assertThat(r.reason()).contains("HTTP 400"));
        route53.stubFor(post(urlEqualTo(RRSET)).willReturn(aResponse().withStatus(403)
                .withBody(error("AccessDenied", "User is not authorized to perform: route53:ChangeResourceRecordSets"))));
        assertThat(dns.apply(failover())).isInstanceOfSatisfying(DnsProvider.ApplyOutcome.Rejected.class,
                r -> assertThat(r.reason()).contains("AccessDenied").contains("route53:ChangeResourceRecordSets"));
    }

    @Test
    void anUnreachableEndpointIsUnavailable() {
        Route53Client nowhere = Route53Client.builder().endpointOverride(URI.create("http://127.0.0.1:1"))
                .region(Region.AWS_GLOBAL)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
                .httpClient(UrlConnectionHttpClient.builder().build())
                .overrideConfiguration(c -> c.retryStrategy(software.amazon.awssdk.awscore.retry.AwsRetryStrategy.doNotRetry()))
                .build();
        assertThat(new Route53DnsProvider(nowhere, settings(Route53Settings.Routing.WEIGHTED, List.of(), Duration.ofMillis(10))).apply(failover()))
                .isInstanceOf(DnsProvider.ApplyOutcome.Unavailable.class);
    }
}
