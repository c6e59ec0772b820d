package dev.failover.decision.rest;

import java.util.List;
import java.util.Map;

import io.restassured.path.json.JsonPath;

/** Reads parts of a GET /groups/{id} body, for the tests of this package. */
final class GroupViewJson {

    private GroupViewJson() {
    }

    /** One location's view of one target in the group's view. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> location(JsonPath view, String target, String location) {
        List<Map<String, Object>> targets = view.getList("targets");
        Map<String, Object> t = targets.stream().filter(x -> target.equals(x.get("target"))).findFirst().orElseThrow();
        List<Map<String, Object>> locations = (List<Map<String, Object>>) t.get("locations");
        return locations.stream().filter(l -> location.equals(l.get("location"))).findFirst().orElseThrow();
    }
}
