package dev.failover.testkit.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.failover.testkit.aws.Route53Zone.RecordSet;

/** Two hosted zones of one account: one endpoint, one request budget, change ids the account's. */
class Route53AccountTest {

    final HttpClient http = HttpClient.newHttpClient();
    Route53Account account;

    @AfterEach
    void stop() {
        if (account != null) {
            account.close();
        }
    }

    @Test
    void zonesOfOneAccountShareItsEndpointAndItsBudget() throws Exception {
        account = Route53Account.start().requestsPerSecond(3);
        account.zone("ZA", List.of(new RecordSet("a.one.test.", "A", "p", 100L, 30, List.of("192.0.2.1"))));
        account.zone("ZB", List.of(new RecordSet("b.two.test.", "A", "p", 100L, 30, List.of("192.0.2.2"))));

        List<Integer> statuses = new ArrayList<>();
        for (String zone : List.of("ZA", "ZB", "ZA", "ZB")) {
            statuses.add(get("/2013-04-01/hostedzone/" + zone + "/rrset").statusCode());
        }

        assertThat(statuses).as("three a second for the account, whichever zone is asked").containsExactly(200, 200,
                200, 400);
        assertThat(account.throttled()).isEqualTo(1);
        assertThat(account.requests()).hasSize(4);
    }

    @Test
    void aChangeIdIsFoundInTheZoneThatWroteIt() throws Exception {
        account = Route53Account.start();
        account.zone("ZA", List.of());
        Route53Zone b = account.zone("ZB", List.of());
        String body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ChangeResourceRecordSetsRequest xmlns=\""
                + Route53Zone.NS
                + "\"><ChangeBatch><Changes><Change><Action>UPSERT</Action><ResourceRecordSet><Name>b.two.test.</Name>"
                + "<Type>A</Type><TTL>30</TTL><ResourceRecords><ResourceRecord><Value>192.0.2.9</Value></ResourceRecord>"
                + "</ResourceRecords></ResourceRecordSet></Change></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>";
        List<Route53Zone.AppliedBatch> seen = new ArrayList<>();
        b.watch(seen::add);

        var changed = http.send(HttpRequest.newBuilder(account.endpoint().resolve("/2013-04-01/hostedzone/ZB/rrset"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(changed.statusCode()).isEqualTo(200);
        assertThat(seen).hasSize(1);
        assertThat(get("/2013-04-01/change/C1").body()).contains("<Id>/change/C1</Id>", "INSYNC");
        assertThat(get("/2013-04-01/change/C2").statusCode()).isEqualTo(404);
        assertThat(get("/2013-04-01/hostedzone/ZC/rrset").body()).contains("NoSuchHostedZone");
    }

    /** Route 53's documented order: labels reversed, each followed by a dot, compared as ASCII ("-" below "."). */
    @Test
    void listsInRoute53sOrder() throws Exception {
        account = Route53Account.start();
        account.zone("ZA", List.of(new RecordSet("api.example.com.", "A", null, null, 30, List.of("192.0.2.1")),
                new RecordSet("_failover-owner.api.example.com.", "TXT", null, null, 30, List.of("\"x\"")),
                new RecordSet("api-x.example.com.", "A", null, null, 30, List.of("192.0.2.2")),
                new RecordSet("b.example.com.", "A", null, null, 30, List.of("192.0.2.3"))));

        String listed = get("/2013-04-01/hostedzone/ZA/rrset").body();

        assertThat(listed.indexOf("api-x.example.com.")).isLessThan(listed.indexOf("<Name>api.example.com."));
        assertThat(listed.indexOf("<Name>api.example.com."))
                .isLessThan(listed.indexOf("_failover-owner.api.example.com."));
        assertThat(listed.indexOf("_failover-owner.api.example.com.")).isLessThan(listed.indexOf("b.example.com."));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(account.endpoint() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
