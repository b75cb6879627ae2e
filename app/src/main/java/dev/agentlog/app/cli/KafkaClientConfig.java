package dev.agentlog.app.cli;

import dev.agentlog.app.Secrets;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The Kafka client settings a user gives agentlog ({@code --kafka-config FILE}, {@code --kafka-property K=V}): what a
 * managed Kafka needs (security.protocol, sasl.*, ssl.*, client.dns.lookup, ...), handed to every Kafka client
 * agentlog creates: producers, consumers, admin clients, Kafka Streams and its internal clients.
 *
 * <p>What agentlog's guarantees rest on cannot be changed there ({@link #GUARANTEES}): such a setting is refused with
 * the reason, before anything starts. Values are never shown unmasked ({@link #masked}).
 */
public final class KafkaClientConfig {
    /**
     * A client setting whose value agentlog fixes.
     *
     * @param allowed  the values it accepts
     * @param expected those values in words; null when the setting may not be given at all
     * @param why      what would break
     */
    record Guarantee(Predicate<String> allowed, String expected, String why) {}

    /**
     * The settings agentlog's promises depend on, with the only values it accepts. The same key with a Kafka Streams
     * prefix ({@code producer.acks}) is held the same way.
     */
    static final Map<String, Guarantee> GUARANTEES = guarantees();

    /** Kafka Streams passes a setting with these prefixes to one kind of its internal clients only. */
    private static final List<String> CLIENT_PREFIXES = List.of("main.consumer.", "restore.consumer.",
            "global.consumer.", "consumer.", "producer.", "admin.");

    private final Map<String, String> values;

    private KafkaClientConfig(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(new TreeMap<>(values));
    }

    public static KafkaClientConfig empty() {
        return new KafkaClientConfig(Map.of());
    }

    /**
     * The file's settings, then the properties (which win); every problem reading them is added to {@code problems}.
     *
     * @param file       a Java properties file, or null
     * @param properties {@code key=value} each
     */
    static KafkaClientConfig load(Path file, List<String> properties, String fileOption, String propertyOption,
            List<String> problems) {
        Map<String, String> values = new LinkedHashMap<>();
        if (file != null) {
            Properties loaded = new Properties();
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                loaded.load(reader);
                loaded.stringPropertyNames().forEach(key -> values.put(key.trim(), loaded.getProperty(key).trim()));
            } catch (IOException | IllegalArgumentException e) {
                problems.add(fileOption + " cannot be read as a Java properties file: " + e.getClass().getSimpleName()
                        + " " + file);
            }
        }
        for (String property : properties) {
            int equals = property.indexOf('=');
            if (equals <= 0) {
                problems.add(propertyOption + " must be KEY=VALUE, was " + maskProperty(property));
            } else {
                values.put(property.substring(0, equals).trim(), property.substring(equals + 1).trim());
            }
        }
        return new KafkaClientConfig(values);
    }

    /** Adds one line for each setting that would weaken a guarantee, naming the setting, the value and why. */
    void checkGuarantees(String source, List<String> problems) {
        values.forEach((key, value) -> {
            Guarantee guarantee = GUARANTEES.get(unprefixed(key));
            if (guarantee == null || guarantee.allowed().test(value.trim().toLowerCase(Locale.ROOT))) {
                return;
            }
            String shown = Secrets.isSecretKey(key) ? Secrets.MASK : value;
            problems.add(source + " sets " + key + "=" + shown + ", which would weaken agentlog's guarantee: "
                    + guarantee.why() + (guarantee.expected() == null ? "; remove it"
                    : "; remove it or set " + guarantee.expected()));
        });
    }

    /**
     * Adds a problem when the config sets what an agentlog option sets, to another value: the option is the one
     * place for it.
     */
    void checkOwnedBy(String key, String option, Object optionValue, String source, List<String> problems) {
        String value = values.get(key);
        if (value != null && (optionValue == null || !value.equals(String.valueOf(optionValue)))) {
            problems.add(source + " sets " + key + "=" + value + ": that is agentlog's " + option
                    + (optionValue == null ? "" : " (" + optionValue + ")") + "; set it there and remove it here");
        }
    }

    public String get(String key) {
        return values.get(key);
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** The settings as client properties, without {@code bootstrap.servers} (agentlog sets it from its option). */
    public Map<String, Object> overrides() {
        Map<String, Object> out = new TreeMap<>(values);
        out.remove("bootstrap.servers");
        return Collections.unmodifiableMap(out);
    }

    /** Safe to print or log: secret values masked. */
    public Map<String, String> masked() {
        return Secrets.maskConfig(values);
    }

    @Override
    public String toString() {
        return masked().toString();
    }

    /** {@code key=value} with the value masked when the key names a secret. */
    static String maskProperty(String property) {
        int equals = property.indexOf('=');
        if (equals <= 0) {
            return Secrets.isSecretKey(property) ? Secrets.MASK : "'" + property + "'";
        }
        String key = property.substring(0, equals).trim();
        return key + "=" + Secrets.maskConfig(Map.of(key, property.substring(equals + 1).trim())).get(key);
    }

    private static Guarantee oneOf(String why, String... values) {
        Set<String> allowed = Set.of(values);
        return new Guarantee(allowed::contains, String.join(" or ", values), why);
    }

    private static Guarantee none(String why) {
        return new Guarantee(v -> false, null, why);
    }

    private static boolean isInt(String value) {
        return value.matches("-?[0-9]{1,9}");
    }

    private static String unprefixed(String key) {
        for (String prefix : CLIENT_PREFIXES) {
            if (key.startsWith(prefix)) {
                return key.substring(prefix.length());
            }
        }
        return key;
    }

    private static Map<String, Guarantee> guarantees() {
        Map<String, Guarantee> g = new TreeMap<>();
        g.put("acks", oneOf("an event is acknowledged (HTTP 202) only once every in-sync replica has it", "all", "-1"));
        g.put("enable.idempotence", oneOf("a producer's retries must neither duplicate nor reorder events", "true"));
        g.put("retries", new Guarantee(v -> isInt(v) && Integer.parseInt(v) > 0, "a number above 0",
                "an idempotent producer retries until its delivery timeout (the publish timeout)"));
        g.put("max.in.flight.requests.per.connection", new Guarantee(v -> isInt(v) && Integer.parseInt(v) >= 1
                && Integer.parseInt(v) <= 5, "1 to 5", "an idempotent producer keeps order with at most 5 requests in flight"));
        g.put("transactional.id", none("agentlog's producers are not transactional; the processor's transactions are"
                + " named by --application-id"));
        g.put("isolation.level", oneOf("the sink, rebuild, verify and dlq list must never read records of an aborted"
                + " transaction", "read_committed"));
        g.put("processing.guarantee", oneOf("the processor passes each event to the log of record exactly once",
                "exactly_once_v2"));
        g.put("enable.auto.commit", oneOf("positions are stored with the rows in PostgreSQL (the sink) or nowhere"
                + " (readers), never by a timer", "false"));
        g.put("auto.offset.reset", none("the sink starts where its stored offsets say and a rebuild fails rather than"
                + " skip records"));
        for (String serde : List.of("key.serializer", "value.serializer", "key.deserializer", "value.deserializer",
                "default.key.serde", "default.value.serde")) {
            g.put(serde, none("agentlog's records are bytes it encodes and decodes itself"));
        }
        return Collections.unmodifiableMap(g);
    }
}
