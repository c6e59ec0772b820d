package dev.failover.kafka;

import java.util.List;
import java.util.stream.Collectors;

/** Topics exist but would not hold what the plane writes to them: the start stops, with each problem named. */
public final class TopicSettingsException extends IllegalStateException {

    private final transient List<TopicProblem> problems;

    public TopicSettingsException(List<TopicProblem> problems) {
        super("topics unfit for the control plane: " + problems.stream().map(TopicProblem::describe)
                .collect(Collectors.joining("; ")));
        this.problems = List.copyOf(problems);
    }

    public List<TopicProblem> problems() {
        return problems;
    }
}
