package dev.agentlog.app.settings;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * One setting, defined once: its name (the long option without dashes; the environment variable is derived from
 * it), its type, its default, the rule its value keeps, its label in {@code --help} and one line of documentation.
 * The picocli option ({@link SettingGroup#register}), the check of every value at start-up
 * ({@link SettingGroup#resolve}) and the README's settings table ({@code agentlog settings}) all come from here.
 *
 * <p>The unit is in the name: the factories for durations, sizes and ports refuse a name that does not end in it
 * ({@code -ms}, {@code -seconds}, {@code -bytes}, {@code -port}), so that a definition without its unit fails as soon
 * as its class loads (in every test).
 *
 * <p>A {@link #secret} comes with a second option, {@code --<name>-file}, that names a file holding the value (the
 * Docker {@code *_FILE} convention: {@code AGENTLOG_PG_PASSWORD_FILE}); its value is never shown.
 *
 * @param <T> the type of the value
 */
public final class Setting<T> {
    /** How a setting appears on the command line. */
    public enum Kind {
        /** {@code --name VALUE}. */
        VALUE,
        /** {@code --name} alone: true when given. */
        FLAG,
        /** {@code --name A --name B} (and {@code A,B} when comma-separated): a list of strings. */
        LIST,
        /** {@code --name VALUE} or {@code --name-file FILE}; never shown. */
        SECRET
    }

    /** Suffix of the option that reads a secret from a file. */
    public static final String FILE_SUFFIX = "-file";

    private final String name;
    private final Kind kind;
    private final Function<String, T> parser;
    private final String typeDescription;
    private final T defaultValue;
    private final String label;
    private final Check<? super T> check;
    private final String doc;
    private final boolean commaSeparated;
    private final UnaryOperator<String> mask;

    private Setting(String name, Kind kind, Function<String, T> parser, String typeDescription, T defaultValue,
            String label, Check<? super T> check, String doc, boolean commaSeparated) {
        this(name, kind, parser, typeDescription, defaultValue, label, check, doc, commaSeparated, UnaryOperator.identity());
    }

    private Setting(String name, Kind kind, Function<String, T> parser, String typeDescription, T defaultValue,
            String label, Check<? super T> check, String doc, boolean commaSeparated, UnaryOperator<String> mask) {
        if (!name.matches("[a-z][a-z0-9]*(-[a-z0-9]+)*")) {
            throw new IllegalArgumentException("setting name must be lower-case words joined by '-', was '" + name + "'");
        }
        this.name = name;
        this.kind = kind;
        this.parser = parser;
        this.typeDescription = typeDescription;
        this.defaultValue = defaultValue;
        this.label = label;
        this.check = check;
        this.doc = doc;
        this.commaSeparated = commaSeparated;
        this.mask = mask;
    }

    /** Free text. */
    public static Setting<String> text(String name) {
        return new Setting<>(name, Kind.VALUE, s -> s, "text", null, "TEXT", Check.none(), "", false);
    }

    /** A password or another secret; also {@code --<name>-file}. Never printed, never logged. */
    public static Setting<String> secret(String name) {
        return new Setting<>(name, Kind.SECRET, s -> s, "text", null, "SECRET", Check.none(), "", false);
    }

    /** A number of things (events, workers, partitions). */
    public static Setting<Integer> count(String name) {
        return new Setting<>(name, Kind.VALUE, Setting::parseInt, "an integer", null, "N", Check.none(), "", false);
    }

    /** A number that may exceed an int (a position in a stream). */
    public static Setting<Long> number(String name) {
        return new Setting<>(name, Kind.VALUE, Setting::parseLong, "an integer", null, "N", Check.none(), "", false);
    }

    /** A TCP port, 0..65535 unless its check says otherwise. */
    public static Setting<Integer> port(String name) {
        requireUnit(name, "port");
        return new Setting<>(name, Kind.VALUE, Setting::parseInt, "an integer", null, "PORT", Check.between(0, 65_535),
                "", false);
    }

    /** A size in bytes; the name ends in {@code -bytes}. */
    public static Setting<Integer> bytes(String name) {
        requireUnit(name, "-bytes");
        return new Setting<>(name, Kind.VALUE, Setting::parseInt, "an integer", null, "BYTES", Check.none(), "", false);
    }

    /** A size in bytes that may pass 2 GiB (WAL, disk); the name ends in {@code -bytes}. */
    public static Setting<Long> largeBytes(String name) {
        requireUnit(name, "-bytes");
        return new Setting<>(name, Kind.VALUE, Setting::parseLong, "an integer", null, "BYTES", Check.none(), "", false);
    }

    /** A duration in milliseconds; the name ends in {@code -ms}. */
    public static Setting<Long> millis(String name) {
        requireUnit(name, "-ms");
        return new Setting<>(name, Kind.VALUE, Setting::parseLong, "an integer", null, "MS", Check.none(), "", false);
    }

    /** A duration in seconds; the name ends in {@code -seconds}. */
    public static Setting<Integer> seconds(String name) {
        requireUnit(name, "-seconds");
        return new Setting<>(name, Kind.VALUE, Setting::parseInt, "an integer", null, "SECONDS", Check.none(), "", false);
    }

    /** A file or directory. */
    public static Setting<Path> path(String name) {
        return new Setting<>(name, Kind.VALUE, Setting::parsePath, "a path", null, "PATH", Check.none(), "", false);
    }

    /** A switch, false unless given. */
    public static Setting<Boolean> flag(String name) {
        return new Setting<>(name, Kind.FLAG, Boolean::parseBoolean, "true or false", null, null, Check.none(), "",
                false);
    }

    /** Values given as {@code --name A,B} or {@code --name A --name B}. */
    public static Setting<List<String>> commaList(String name) {
        return new Setting<>(name, Kind.LIST, List::of, "a list", null, "VALUE", Check.none(), "", true);
    }

    /** Values given as {@code --name A --name B}, each whole (a value may hold commas). */
    public static Setting<List<String>> repeated(String name) {
        return new Setting<>(name, Kind.LIST, List::of, "a list", null, "VALUE", Check.none(), "", false);
    }

    /** One of the constants of {@code type}, written in lower case with '-' for '_' ({@code transaction}). */
    public static <E extends Enum<E>> Setting<E> choice(String name, Class<E> type) {
        String choices = Arrays.stream(type.getEnumConstants()).map(Setting::choiceName).collect(Collectors.joining(", "));
        return new Setting<>(name, Kind.VALUE, text -> Arrays.stream(type.getEnumConstants())
                .filter(e -> choiceName(e).equals(text.trim().toLowerCase(Locale.ROOT))).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("one of " + choices)),
                "one of " + choices, null, choices.replace(", ", "|"), Check.none(), "", false);
    }

    public Setting<T> defaultsTo(T value) {
        return new Setting<>(name, kind, parser, typeDescription, Objects.requireNonNull(value, "default"), label,
                check, doc, commaSeparated, mask);
    }

    public Setting<T> label(String value) {
        return new Setting<>(name, kind, parser, typeDescription, defaultValue, value, check, doc, commaSeparated, mask);
    }

    public Setting<T> check(Check<? super T> value) {
        return new Setting<>(name, kind, parser, typeDescription, defaultValue, label, value, doc, commaSeparated, mask);
    }

    /** One line: what the setting does, in the user's terms. */
    public Setting<T> doc(String value) {
        return new Setting<>(name, kind, parser, typeDescription, defaultValue, label, check, value, commaSeparated, mask);
    }

    /** How the text of a value is shown in messages and logs: e.g. a URL with its password masked. */
    public Setting<T> shownAs(UnaryOperator<String> value) {
        return new Setting<>(name, kind, parser, typeDescription, defaultValue, label, check, doc, commaSeparated, value);
    }

    public String name() {
        return name;
    }

    /** {@code --name}. */
    public String option() {
        return "--" + name;
    }

    /** {@code --name-file}, for a secret. */
    public String fileOption() {
        return option() + FILE_SUFFIX;
    }

    /** {@code AGENTLOG_NAME}: the environment variable that sets it when the command line does not. */
    public String environmentVariable() {
        return environmentVariable(option());
    }

    public static String environmentVariable(String longOption) {
        return "AGENTLOG_" + longOption.replaceFirst("^--", "").replace('-', '_').toUpperCase(Locale.ROOT);
    }

    public Kind kind() {
        return kind;
    }

    public boolean isSecret() {
        return kind == Kind.SECRET;
    }

    public T defaultValue() {
        return defaultValue;
    }

    /** The default as written on a command line; null when there is none. */
    public String defaultText() {
        if (defaultValue == null) {
            return null;
        }
        return defaultValue instanceof Enum<?> e ? choiceName(e) : String.valueOf(defaultValue);
    }

    public String label() {
        return label;
    }

    public String doc() {
        return doc;
    }

    boolean commaSeparated() {
        return commaSeparated;
    }

    /** The value of the text given, or an IllegalArgumentException saying what it must be ("an integer"). */
    T parse(String text) {
        try {
            return parser.apply(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() == null || e.getMessage().isBlank() ? typeDescription
                    : e.getMessage(), e);
        }
    }

    /** What is wrong with a parsed value, or null. */
    @SuppressWarnings("unchecked")
    String problem(Object value) {
        return ((Check<Object>) check).problem(value);
    }

    /** The value as it may be shown in a message or a log: never a secret. */
    public String show(Object value) {
        if (isSecret()) {
            return "****";
        }
        if (value instanceof Enum<?> e) {
            return choiceName(e);
        }
        if (value instanceof List<?> list) {
            return list.stream().map(element -> mask.apply(String.valueOf(element))).toList().toString();
        }
        return value instanceof String s ? "'" + mask.apply(s) + "'" : mask.apply(String.valueOf(value));
    }

    @Override
    public String toString() {
        return option();
    }

    static String choiceName(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static void requireUnit(String name, String unit) {
        if (!name.endsWith(unit)) {
            throw new IllegalArgumentException("setting " + name + " must carry its unit in its name (" + unit + ")");
        }
    }

    private static Integer parseInt(String text) {
        try {
            return Integer.valueOf(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("an integer");
        }
    }

    private static Long parseLong(String text) {
        try {
            return Long.valueOf(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("an integer");
        }
    }

    private static Path parsePath(String text) {
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("a path (" + e.getReason() + ")");
        }
    }
}
