package dev.agentlog.app.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Spec;

/**
 * Prints the README's settings table from the option definitions themselves, so the documentation
 * cannot drift from the code (a test compares the two).
 */
@Command(name = "settings", hidden = true, description = "Print every setting as a Markdown table (for the README).")
public final class SettingsTableCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(table(spec.root()));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }

    public static String table(CommandSpec root) {
        Map<String, OptionSpec> options = new LinkedHashMap<>();
        Map<String, TreeSet<String>> usedBy = new LinkedHashMap<>();
        collect(root, options, usedBy);
        StringBuilder out = new StringBuilder();
        out.append("| option | environment | default | used by | meaning |\n");
        out.append("|---|---|---|---|---|\n");
        options.forEach((name, option) -> out.append("| `").append(name).append("` | `")
                .append(EnvironmentDefaults.variableFor(name)).append("` | ")
                .append(option.defaultValue() == null ? "" : "`" + option.defaultValue() + "`").append(" | ")
                .append(String.join(", ", usedBy.get(name))).append(" | ")
                .append(String.join(" ", option.description()).replace("|", "\\|")).append(" |\n"));
        return out.toString();
    }

    private static void collect(CommandSpec command, Map<String, OptionSpec> options, Map<String, TreeSet<String>> usedBy) {
        for (OptionSpec option : command.options()) {
            String name = option.longestName();
            if (option.usageHelp() || option.versionHelp() || !name.startsWith("--")) {
                continue;
            }
            options.putIfAbsent(name, option);
            usedBy.computeIfAbsent(name, n -> new TreeSet<>()).add(qualifiedName(command));
        }
        for (CommandLine sub : command.subcommands().values()) {
            if (!sub.getCommandSpec().usageMessage().hidden()) {
                collect(sub.getCommandSpec(), options, usedBy);
            }
        }
    }

    private static String qualifiedName(CommandSpec command) {
        String name = command.qualifiedName(" ");
        return name.startsWith("agentlog ") ? name.substring("agentlog ".length()) : name;
    }
}
