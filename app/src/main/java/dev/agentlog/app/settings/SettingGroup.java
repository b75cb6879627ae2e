package dev.agentlog.app.settings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Settings that travel together (Kafka, PostgreSQL, the sink, ...), as a command's field: {@code final
 * SinkOptions sink = new SinkOptions();}. {@link Settings#register} adds each setting to the command as a picocli
 * option; before the command runs, {@link Settings#resolve} reads every value (command line, then environment,
 * then default), checks it and collects every problem at once; the command then reads typed values with
 * {@link #get}. A subclass adds rules that span several settings in {@link #check}.
 */
public class SettingGroup {
    private final List<Setting<?>> settings;
    private final Set<Setting<?>> required = new HashSet<>();
    private final Map<Setting<?>, OptionSpec> options = new HashMap<>();
    private final Map<Setting<?>, OptionSpec> fileOptions = new HashMap<>();
    private final Map<Setting<?>, Object> values = new HashMap<>();
    private boolean resolved;

    public SettingGroup(Setting<?>... settings) {
        this.settings = List.of(settings);
    }

    public SettingGroup(List<Setting<?>> settings) {
        this.settings = List.copyOf(settings);
    }

    /** These settings must have a value for this command (else: "is required"). */
    public SettingGroup require(Setting<?>... mandatory) {
        for (Setting<?> setting : mandatory) {
            if (!settings.contains(setting)) {
                throw new IllegalArgumentException(setting + " is not in this group");
            }
            required.add(setting);
        }
        return this;
    }

    public List<Setting<?>> settings() {
        return settings;
    }

    /** Adds every setting of the group to the command as an option (and a secret's {@code -file} option). */
    public void register(CommandSpec spec) {
        for (Setting<?> setting : settings) {
            OptionSpec option = optionFor(setting);
            spec.addOption(option);
            options.put(setting, option);
            if (setting.isSecret()) {
                OptionSpec file = OptionSpec.builder(setting.fileOption()).type(String.class).arity("1")
                        .paramLabel("FILE").description("File holding " + setting.option() + " (its content, a final"
                                + " line break dropped): a secret mounted as a file, as Docker and Kubernetes do.")
                        .build();
                spec.addOption(file);
                fileOptions.put(setting, file);
            }
        }
    }

    private static OptionSpec optionFor(Setting<?> setting) {
        OptionSpec.Builder option = OptionSpec.builder(setting.option()).description(setting.doc());
        switch (setting.kind()) {
            case FLAG -> option.type(boolean.class).arity("0");
            case LIST -> {
                option.type(List.class).auxiliaryTypes(String.class).arity("1").paramLabel(setting.label());
                if (setting.commaSeparated()) {
                    option.splitRegex(",");
                }
            }
            default -> option.type(String.class).arity("1").paramLabel(setting.label());
        }
        if (setting.defaultText() != null) {
            option.defaultValue(setting.defaultText()).showDefaultValue(Help.Visibility.ALWAYS);
        }
        return option.build();
    }

    /**
     * Reads and checks every value after the command line was parsed; adds one line per problem, each naming its
     * option. Then {@link #check} for rules across settings.
     */
    public final void resolve(List<String> problems) {
        values.clear();
        List<String> own = new ArrayList<>();
        for (Setting<?> setting : settings) {
            OptionSpec option = options.get(setting);
            if (option == null) {
                throw new IllegalStateException(setting + " was not registered with a command");
            }
            Object value = read(setting, option.getValue(), own);
            if (value == null && required.contains(setting)) {
                own.add(setting.option() + " is required (or set " + setting.environmentVariable() + ")");
            } else if (value != null) {
                String problem = setting.problem(value);
                if (problem != null) {
                    own.add(setting.option() + " " + problem + ", was " + setting.show(value));
                }
            }
            values.put(setting, value);
        }
        resolved = true;
        check(own);
        problems.addAll(own);
    }

    /**
     * Rules that span settings of the group, after every setting was read; a setting whose value has a problem of
     * its own reads as null here.
     */
    protected void check(List<String> problems) {}

    private Object read(Setting<?> setting, Object raw, List<String> problems) {
        return switch (setting.kind()) {
            case FLAG -> raw != null && (Boolean) raw;
            case LIST -> raw == null ? List.of() : ((List<?>) raw).stream().map(String::valueOf)
                    .filter(s -> !s.isBlank()).toList();
            case SECRET -> secret(setting, (String) raw, (String) fileOptions.get(setting).getValue(), problems);
            case VALUE -> parse(setting, (String) raw, problems);
        };
    }

    private static Object parse(Setting<?> setting, String text, List<String> problems) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return setting.parse(text);
        } catch (IllegalArgumentException e) {
            problems.add(setting.option() + " must be " + e.getMessage() + ", was " + setting.show(text));
            return null;
        }
    }

    private static String secret(Setting<?> setting, String given, String file, List<String> problems) {
        boolean hasValue = given != null && !given.isEmpty();
        boolean hasFile = file != null && !file.isBlank();
        if (hasValue && hasFile) {
            problems.add("set " + setting.option() + " or " + setting.fileOption() + ", not both");
            return null;
        }
        if (!hasFile) {
            return hasValue ? given : null;
        }
        try {
            String content = Files.readString(Path.of(file), StandardCharsets.UTF_8);
            String value = content.endsWith("\r\n") ? content.substring(0, content.length() - 2)
                    : content.endsWith("\n") ? content.substring(0, content.length() - 1) : content;
            if (value.isEmpty()) {
                problems.add(setting.fileOption() + " names an empty file: " + file);
                return null;
            }
            return value;
        } catch (IOException | RuntimeException e) {
            // the exception's class and the path, never anything read from the file
            problems.add(setting.fileOption() + " cannot be read: " + e.getClass().getSimpleName() + " " + file);
            return null;
        }
    }

    /** The value of a setting of this group (null when it has none). */
    @SuppressWarnings("unchecked")
    public final <T> T get(Setting<T> setting) {
        if (!resolved) {
            throw new IllegalStateException("settings are read before the command runs; " + setting + " is not yet");
        }
        if (!settings.contains(setting)) {
            throw new IllegalArgumentException(setting + " is not in this group");
        }
        return (T) values.get(setting);
    }

    /** The values as they may be logged: option to value, secrets masked, unset ones left out. */
    public Map<String, String> describe() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Setting<?> setting : settings) {
            Object value = values.get(setting);
            if (value != null && !(value instanceof List<?> list && list.isEmpty())) {
                out.put(setting.option(), setting.show(value));
            }
        }
        return out;
    }
}
