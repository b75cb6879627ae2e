package dev.agentlog.query.agentfile;

import java.util.List;

/**
 * An agent file that cannot be imported, with every problem found, each naming its field by path
 * ({@code agents[0].messages[3].role: is required}). Nothing was sent.
 */
public final class AgentFileException extends IllegalArgumentException {
    private static final int SHOWN = 20;
    private final List<String> problems;

    public AgentFileException(List<String> problems) {
        super(problems.size() == 1 ? problems.get(0) : problems.size() + " problems: "
                + String.join("; ", problems.subList(0, Math.min(SHOWN, problems.size())))
                + (problems.size() > SHOWN ? "; ..." : ""));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
