package dev.agentlog.app.settings;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * Puts the {@link SettingGroup}s of the commands into picocli and checks them before a command runs. A command
 * takes part by holding its groups as fields; rules across groups go in {@link CrossChecked}.
 */
public final class Settings {
    private static final Logger log = LoggerFactory.getLogger(Settings.class);

    /** A command whose settings have rules that span its groups (e.g. "--pg-url unless --from-table"). */
    public interface CrossChecked {
        /** Adds what is wrong; runs after every group resolved without a problem. */
        void checkSettings(List<String> problems);
    }

    private Settings() {}

    /** Registers the groups of {@code cli}'s command and of every subcommand below it as options. */
    public static void register(CommandLine cli) {
        for (SettingGroup group : groupsOf(cli.getCommand())) {
            group.register(cli.getCommandSpec());
        }
        cli.getSubcommands().values().forEach(Settings::register);
    }

    /**
     * Reads and checks every setting of {@code command} once its command line is parsed, then logs them (secrets
     * masked) under {@code commandName} ("agentlog sink").
     *
     * @throws SettingsException naming every problem at once
     */
    public static void resolve(Object command, String commandName) {
        List<String> problems = new ArrayList<>();
        List<SettingGroup> groups = groupsOf(command);
        for (SettingGroup group : groups) {
            group.resolve(problems);
        }
        if (problems.isEmpty() && command instanceof CrossChecked checked) {
            checked.checkSettings(problems);
        }
        if (!problems.isEmpty()) {
            throw new SettingsException(problems);
        }
        if (!groups.isEmpty()) {
            Map<String, String> described = new LinkedHashMap<>();
            groups.forEach(group -> described.putAll(group.describe()));
            log.info("{} settings: {}", commandName, described);
        }
    }

    /** The groups a command holds in its fields, in declaration order. */
    public static List<SettingGroup> groupsOf(Object command) {
        List<SettingGroup> groups = new ArrayList<>();
        for (Class<?> type = command.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (SettingGroup.class.isAssignableFrom(field.getType())) {
                    field.setAccessible(true);
                    try {
                        SettingGroup group = (SettingGroup) field.get(command);
                        if (group != null) {
                            groups.add(group);
                        }
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException("cannot read the settings of " + command.getClass(), e);
                    }
                }
            }
        }
        return groups;
    }
}
