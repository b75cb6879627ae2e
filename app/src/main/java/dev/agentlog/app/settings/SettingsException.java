package dev.agentlog.app.settings;

import java.util.List;

/** Bad settings, every one of them: nothing was started. The messages name options and never show a secret. */
public final class SettingsException extends IllegalArgumentException {
    private final List<String> problems;

    public SettingsException(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
