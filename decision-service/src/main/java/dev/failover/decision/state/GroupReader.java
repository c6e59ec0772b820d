package dev.failover.decision.state;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.failover.decision.domain.DecisionEngine;
import dev.failover.decision.domain.GroupView;

/** Reads a group's view: live from the engine for groups this instance owns, else from the latest state record. */
@ApplicationScoped
public class GroupReader {

    @Inject
    DecisionEngine engine;
    @Inject
    GroupOwnership ownership;
    @Inject
    StateDirectory directory;

    public boolean exists(String group) {
        return engine.groupIds().contains(group);
    }

    public Optional<GroupView> view(String group) {
        if (!exists(group)) {
            return Optional.empty();
        }
        if (ownership.owns(group)) {
            return engine.view(group);
        }
        return directory.latest(group).map(StateRecord::view);
    }

    public List<GroupView> views() {
        return engine.groupIds().stream().map(this::view).flatMap(Optional::stream).toList();
    }
}
