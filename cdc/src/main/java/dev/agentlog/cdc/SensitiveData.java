package dev.agentlog.cdc;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What capture leaves out of the log unless the operator names it: Letta's secret-bearing columns and tables and its
 * LLM traces. The log of record is kept forever and copied to every projection, backup and replay; a provider API key
 * or an OAuth refresh token that reaches it cannot be taken back. Letta without {@code LETTA_ENCRYPTION_KEY} stores
 * every secret as plaintext in its {@code *_enc} columns (../shared/letta/README.md, "Secrets and encryption"), so the
 * encrypted-looking columns are excluded as well.
 *
 * <p>Names are {@code table} (the whole table) or {@code table.column}. {@code --capture-sensitive} takes names from
 * {@link #DEFAULTS} back into capture; a name that is not in the list is a mistake, refused at start.
 */
public final class SensitiveData {
    /** One default exclusion and the reason for it, as the docs and the start-up log say it. */
    public record Exclusion(String name, String why) {
        public boolean isTable() {
            return name.indexOf('.') < 0;
        }

        public String table() {
            return isTable() ? name : name.substring(0, name.indexOf('.'));
        }

        public String column() {
            return isTable() ? null : name.substring(name.indexOf('.') + 1);
        }
    }

    private static final String PROVIDER_KEY = "model provider credential (plaintext without LETTA_ENCRYPTION_KEY)";
    private static final String ENV_VALUE = "environment variable value given to tools (API keys, passwords)";
    private static final String MCP_SECRET = "MCP server credential";

    /** Letta 0.16.8's secret-bearing columns and tables, and its LLM traces. */
    public static final List<Exclusion> DEFAULTS = List.of(
            new Exclusion("providers.api_key", PROVIDER_KEY),
            new Exclusion("providers.access_key", PROVIDER_KEY),
            new Exclusion("providers.api_key_enc", PROVIDER_KEY),
            new Exclusion("providers.access_key_enc", PROVIDER_KEY),
            new Exclusion("sandbox_environment_variables.value", ENV_VALUE),
            new Exclusion("sandbox_environment_variables.value_enc", ENV_VALUE),
            new Exclusion("agent_environment_variables.value", ENV_VALUE),
            new Exclusion("agent_environment_variables.value_enc", ENV_VALUE),
            new Exclusion("mcp_server.token", MCP_SECRET),
            new Exclusion("mcp_server.token_enc", MCP_SECRET),
            new Exclusion("mcp_server.custom_headers", MCP_SECRET + " (authorization headers)"),
            new Exclusion("mcp_server.custom_headers_enc", MCP_SECRET + " (authorization headers)"),
            new Exclusion("mcp_server.stdio_config", MCP_SECRET + " (the env map of a stdio server)"),
            new Exclusion("mcp_oauth", "OAuth authorization codes, access and refresh tokens, client secrets"),
            new Exclusion("provider_traces", "full LLM requests and responses: every prompt, memory block and reply, "
                    + "by far the largest table; not needed to restore an agent"));

    private final List<Exclusion> excluded;

    private SensitiveData(List<Exclusion> excluded) {
        this.excluded = List.copyOf(excluded);
    }

    /** The defaults minus what {@code captureSensitive} names back. Unknown names are a mistake: every one reported. */
    public static SensitiveData excluding(List<String> captureSensitive) {
        List<String> problems = problems(captureSensitive);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        Set<String> named = captureSensitive == null ? Set.of() : Set.copyOf(captureSensitive);
        return new SensitiveData(DEFAULTS.stream().filter(e -> !named.contains(e.name())).toList());
    }

    /** What is wrong with the names of {@code --capture-sensitive}, one problem each. */
    static List<String> problems(List<String> captureSensitive) {
        List<String> problems = new ArrayList<>();
        Set<String> known = DEFAULTS.stream().map(Exclusion::name).collect(Collectors.toSet());
        for (String name : captureSensitive == null ? List.<String>of() : captureSensitive) {
            if (!known.contains(name)) {
                problems.add("--capture-sensitive: '" + name + "' is not one of the exclusions agentlog makes by "
                        + "default (" + String.join(", ", DEFAULTS.stream().map(Exclusion::name).toList()) + ")");
            }
        }
        return problems;
    }

    public List<Exclusion> excluded() {
        return excluded;
    }

    /** Tables left out whole. */
    public Set<String> tables() {
        return excluded.stream().filter(Exclusion::isTable).map(Exclusion::name)
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** {@code table.column} names of the columns left out of tables that are captured. */
    public Set<String> columns() {
        return excluded.stream().filter(e -> !e.isTable()).map(Exclusion::name)
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** For the start-up log: what is left out, in one line. */
    public String describe() {
        return excluded.isEmpty() ? "nothing (every secret-bearing column and trace is captured, as named)"
                : "tables " + tables() + " and columns " + columns();
    }
}
