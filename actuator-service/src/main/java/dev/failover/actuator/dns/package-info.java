/**
 * The DNS backends that switch a group's traffic: one class per backend behind {@link dev.failover.actuator.dns.DnsProvider}
 * (one conditional, atomic write; one read), its outcomes sealed values; plans, retries and backoff live in the
 * reconcile steps, never here (ADR 0006). Route 53 ({@code Route53DnsProvider}), RFC 2136 ({@code Rfc2136DnsProvider}),
 * ARC routing controls ({@code ArcRoutingControlProvider}) and the dry run ({@code DryRunDnsProvider}) are the models.
 *
 * <h2>Adding a DNS backend</h2>
 * <ol>
 * <li>Its settings: a record implementing the sealed {@code DnsSettings} with its case in {@code DnsSettings.Cases},
 * its keys under {@code failover.dns.<name>} (the default instance) and {@code failover.dns.providers.<id>.} (a named
 * one, ADR 0036) in {@code config.ActuatorConfig}, checked by {@code config.DnsInstancesResolver} so that a bad value
 * stops the start naming the key, its kind in the topology's {@code DnsProviderKind}, and listed in
 * docs/configuration.md.</li>
 * <li>The provider: {@code read} returns what is served and the ownership mark ({@code OwnerRecord}) or a sealed
 * failure (throttled, unavailable, rejected); {@code write} is one request that the backend applies whole or not at
 * all, conditional on the mark read ({@code RecordWrite.expectedOwnerText}), and answers {@code OwnerChanged} when the
 * condition fails: that is the fence against an older writer. Ask the {@code lease.Lease} right before the request is
 * sent (ADR 0006, "A lease before every external write"). Share a per-account request budget through
 * {@code requests.RequestBudget} and batch through {@code requests.Batcher} where the backend has quotas (ADR 0022).</li>
 * <li>Its client: built from the settings in {@code startup.BackendClients}, the SDK's own retries off; the
 * provider built in its case of {@code startup.DnsProviders.Build} (the compiler asks for it once the settings record is
 * in {@code DnsSettings}), which wraps every instance in {@code LeasedDnsProvider}.</li>
 * <li>The permissions it needs: {@code permissions.PermissionPlan}, so that a missing grant is reported at start
 * ({@code FailoverPermissionMissing}).</li>
 * <li>Tests against the real thing or the real SDK: a real server where one runs here (BIND9, Knot), else the AWS SDK
 * with {@code endpointOverride} against a fixture of the testkit that behaves as the service documents (see
 * {@code Route53Zone}). A backend that keeps its mark beside the record joins {@code DnsProviderContractTest} (test
 * sources): the conditions every such backend must hold, the same tests for each. Its own test covers throttled,
 * refused, and the reconciler's pass through it ({@code Route53ZoneFidelityTest} is the model).</li>
 * <li>Docs: the backend's section in docs/topology.md and docs/deploy-eks.md, a CHANGELOG line.</li>
 * </ol>
 */
package dev.failover.actuator.dns;
