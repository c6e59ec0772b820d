package dev.failover.decision.input;

import static io.restassured.RestAssured.given;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import dev.failover.contract.event.Topics;
import dev.failover.testkit.kafka.TopicClient;

/** What the signature checks of a running decision-service refused: its counter, and a dead letter's reason. */
final class Rejections {

    private Rejections() {
    }

    /** failover_decision_records_rejected_total of {@code topic} with this outcome; 0 before the first. */
    static double rejected(String topic, String outcome) {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("failover_decision_records_rejected_total\\{outcome=\"" + outcome + "\",topic=\""
                + Pattern.quote(topic) + "\",?\\} ([0-9.E]+)").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    /** Why a record was dead-lettered. */
    static String reason(ConsumerRecord<String, String> record) {
        return TopicClient.header(record, Topics.DEAD_LETTER_REASON_HEADER);
    }
}
