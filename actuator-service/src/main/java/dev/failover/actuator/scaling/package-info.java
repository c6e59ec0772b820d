/**
 * The capacity backends: one {@link dev.failover.actuator.scaling.Scaler} per kind of resource (ECS services, EC2 Auto
 * Scaling groups, Kubernetes Deployments), each an idempotent desired-count write and a read of what is ready, its
 * outcomes sealed values; when to scale and how long to wait is the reconcile steps' ({@code EnsureCapacity},
 * {@code ScaleDownIfDue}). {@link dev.failover.actuator.scaling.Scalers} picks the scaler by the target's place (its
 * region or cluster) and kind.
 *
 * <h2>Adding a scaler</h2>
 * <ol>
 * <li>The resource in the topology: a {@code ScalingRef} variant in the contract with its {@code kind}, loaded by
 * {@code TopologyLoader} and checked in {@code BackendChecks} (every key's path named), in docs/topology.md.</li>
 * <li>The scaler: {@code observe} (wanted and ready), {@code scaleUp} to the target's active count and
 * {@code scaleDown} to its pilot-light count, each one request; a refusal is {@code Rejected} with the backend's
 * message, a passing failure {@code Unavailable}.</li>
 * <li>Its client per place, built in {@code startup.BackendClients#scalers} with the place's own credentials (a role
 * assumed in the target's account where the topology names one), the SDK's retries off; every write under the lease
 * ({@code Scalers.leasedBy}).</li>
 * <li>The permissions it needs in {@code permissions.PermissionPlan}; the IAM policy or RBAC in deploy/ and k8s/.</li>
 * <li>Tests: the real SDK with {@code endpointOverride} against a fixture that checks the real requests
 * ({@code AwsScalersTest}), or fabric8's mock server for Kubernetes ({@code KubernetesScalerTest}). The scaler joins
 * {@code ScalerContractTest} (test sources): the conditions every scaler must hold (active and pilot-light sizes
 * observed, idempotent, throttled or failing for now {@code Unavailable}, denied or missing {@code Rejected}, never an
 * exception), the same tests for each; its own test covers its requests and its backend's particulars.</li>
 * </ol>
 */
package dev.failover.actuator.scaling;
