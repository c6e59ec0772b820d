package dev.failover.actuator.startup;

import dev.failover.actuator.rest.ApiError;
import dev.failover.actuator.rest.GroupsResource;
import dev.failover.actuator.rest.PermissionsResource;
import dev.failover.actuator.state.StoredDesiredState;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The actuator's own records that Jackson reads or writes by reflection (the desired-state record, the REST views): a
 * native image must be told of them. The contract's events are registered by the contract jar's reflect-config.json.
 */
@RegisterForReflection(
        targets = { StoredDesiredState.class, dev.failover.actuator.domain.model.DesiredState.Promotion.class,
                StoredDesiredState.Lane.class, GroupsResource.GroupStatusView.class,
                GroupsResource.ProviderLaneView.class,
                GroupsResource.DatabaseNodeView.class, ApiError.class, PermissionsResource.PermissionsView.class,
                PermissionsResource.Missing.class, PermissionsResource.Unchecked.class })
public class NativeReflection {
}
