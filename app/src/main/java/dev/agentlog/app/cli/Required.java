package dev.agentlog.app.cli;

/** Options that a standalone part cannot do without. */
final class Required {
    private Required() {}

    static String option(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is required (or set " + EnvironmentDefaults.variableFor(name) + ")");
        }
        return value;
    }
}
