package dev.failover.decision.state;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.failover.decision.domain.DecisionEngine;
import dev.failover.decision.domain.Explanation;
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

    /**
     * Why decision {@code decisionId} of the group was made. Explanations live in the memory of the instance that made
     * the decisions (ADR 0011): another instance has none.
     */
    public Optional<Explanation> explanation(String group, String decisionId) {
        return exists(group) && ownership.owns(group) ? engine.explanation(group, decisionId) : Optional.empty();
    }

    /** Why the group does what it does now; only the instance that evaluates it (its owner) can say. */
    public Optional<Explanation> explanationNow(String group) {
        return exists(group) && ownership.owns(group) ? engine.explanationNow(group) : Optional.empty();
    }

    public boolean owns(String group) {
        return ownership.owns(group);
    }

    public List<GroupView> views() {
        return engine.groupIds().stream().map(this::view).flatMap(Optional::stream).toList();
    }
}
