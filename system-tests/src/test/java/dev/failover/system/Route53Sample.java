package dev.failover.system;

import java.util.List;

import dev.failover.testkit.aws.Route53Zone;

/**
 * The Route 53 part of k8s/base/failover.yaml: its hosted zone, record and the two regions' load balancer aliases, for
 * the system tests whose actuator switches a {@link Route53Zone}.
 */
final class Route53Sample {

    static final String ZONE_ID = "Z0123456789ABCDEFGHIJ";
    static final String RECORD = "api.example.com.";
    /** The group's and its targets' dns lines of k8s/base/failover.yaml, word for word. */
    static final List<String> SAMPLE_DNS = List.of(
            "dns: {zone: example.com., name: api.example.com., type: A, ttl: 30, hostedZoneId: Z0123456789ABCDEFGHIJ}",
            "dns: {alias: {hostedZoneId: Z35SXDOTRQ7X7K, dnsName: api-use1-1234567890.us-east-1.elb.amazonaws.com., evaluateTargetHealth: false}}",
            "dns: {alias: {hostedZoneId: Z1H1FL5HABSF5, dnsName: api-usw2-1234567890.us-west-2.elb.amazonaws.com., evaluateTargetHealth: false}}");
    static final Route53Zone.Alias EAST = new Route53Zone.Alias("Z35SXDOTRQ7X7K",
            "api-use1-1234567890.us-east-1.elb.amazonaws.com.", false);
    static final Route53Zone.Alias WEST = new Route53Zone.Alias("Z1H1FL5HABSF5",
            "api-usw2-1234567890.us-west-2.elb.amazonaws.com.", false);

    private Route53Sample() {
    }
}
