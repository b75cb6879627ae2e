package dev.agentlog.app.settings;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The rule a setting's value must keep. A check answers what is wrong as the end of a sentence that starts with
 * the option ({@code "must be >= 1"}); {@link SettingGroup} adds the option and the value shown, so that every
 * message reads {@code --batch-max-events must be between 1 and 100000, was 0}.
 *
 * @param <T> the setting's type
 */
@FunctionalInterface
public interface Check<T> {
    /** What is wrong with {@code value} ({@code "must be ..."}), or null when it keeps the rule. Never called with null. */
    String problem(T value);

    /** Both rules: the first problem found. */
    default Check<T> and(Check<? super T> other) {
        return value -> {
            String problem = problem(value);
            return problem != null ? problem : other.problem(value);
        };
    }

    static <T> Check<T> none() {
        return value -> null;
    }

    static Check<Number> atLeast(long min) {
        return value -> value.longValue() < min ? "must be >= " + min : null;
    }

    static Check<Number> between(long min, long max) {
        return value -> value.longValue() < min || value.longValue() > max ? "must be between " + min + " and " + max : null;
    }

    static Check<String> notBlank() {
        return value -> value.isBlank() ? "must not be empty" : null;
    }

    /** The whole value matches {@code regex}; {@code what} says it in words ("a lower-case SQL identifier"). */
    static Check<String> matches(String regex, String what) {
        Pattern pattern = Pattern.compile(regex);
        return value -> pattern.matcher(value).matches() ? null : "must be " + what;
    }

    /** Each element of a list keeps {@code element}. */
    static Check<List<String>> each(Check<String> element) {
        return values -> values.stream().map(element::problem).filter(p -> p != null).findFirst().orElse(null);
    }
}
