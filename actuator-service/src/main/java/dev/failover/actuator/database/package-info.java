/**
 * The database backends of targets with a database node (ADR 0020): one {@link dev.failover.actuator.database.Database}
 * per engine (self-run PostgreSQL, RDS, Aurora global databases), each an observation (role, timeline within one system
 * identifier, WAL positions, lag) and single writes (promote, fence, unfence), its outcomes sealed values. Whether a
 * move may promote, and what it may lose against the group's budget, is decided in the domain ({@code PromotionGate},
 * {@code domain.data}); never here.
 *
 * <h2>Adding a database backend</h2>
 * <ol>
 * <li>Its node in the topology: a {@code DatabaseRef} variant in the contract, checked in {@code BackendChecks}, in
 * docs/topology.md.</li>
 * <li>The backend: {@code observe} says writable or not and how far it is (a managed service's lag from its metrics,
 * with the period's datapoint age counted); {@code promote} for the kind of move asked; {@code fence} stops the writes
 * of a node that must not take them (a fence that cannot be proven is a refusal, never "nothing to fence"); and, if
 * the service moves the writer itself, {@code switchesOverItself}.</li>
 * <li>Its clients in {@code startup.BackendClients#databases}, per region with that region's credentials; every write
 * under the lease ({@code Databases.leasedBy}) with a margin longer than the backend's slowest call
 * ({@code lease.LeaseTerms}).</li>
 * <li>Tests: its own against the real engine or a fixture of the service's API; the backend joins
 * {@code DatabaseContractTest} (test sources): the conditions every backend must hold (a promoted replica writable, a
 * second promotion harmless, the old writer fenced or switched over, an undone fence writable again or refused, a node
 * not answering {@code Unavailable}, one missing or refusing the login {@code Rejected}, never an exception); and a
 * run of the randomized checker with it ({@code DataTierFaultsTest}, {@code ManagedDataTierFaultsTest}): never two
 * writable primaries, nothing acknowledged lost beyond the budget, no move stuck behind its own step.</li>
 * </ol>
 */
package dev.failover.actuator.database;
