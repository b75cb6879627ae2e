package dev.agentlog.ingest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The API keys that may post events, each with a name (the name goes into an event's {@code source} as
 * {@code http:<name>}; the key itself never leaves this class: not in {@link #toString()}, not in an error).
 *
 * <p>Written as {@code --api-keys name:key,name2:key2}; a bare {@code key} is named {@code default}. The
 * name is what comes before the first {@code :}, so a key may contain {@code :} only when it is given a
 * name; no key may contain {@code ,}. Immutable and thread-safe.
 */
public final class ApiKeys {
    /** The name of a key given without one. */
    public static final String DEFAULT_NAME = "default";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /** Name to SHA-256 of the key: lookups compare digests of equal length, in constant time. */
    private final Map<String, byte[]> digests;

    private ApiKeys(Map<String, byte[]> digests) {
        this.digests = Collections.unmodifiableMap(digests);
    }

    /** Parses {@code name:key,name2:key2}; {@code null} or blank gives no keys. Every problem at once. */
    public static ApiKeys parse(String spec) {
        Map<String, String> keys = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        if (spec != null && !spec.isBlank()) {
            String[] entries = spec.split(",", -1);
            for (int i = 0; i < entries.length; i++) {
                String entry = entries[i].trim();
                int colon = entry.indexOf(':');
                String name = colon < 0 ? DEFAULT_NAME : entry.substring(0, colon).trim();
                String key = colon < 0 ? entry : entry.substring(colon + 1).trim();
                if (entry.isEmpty() || key.isEmpty()) {
                    problems.add("entry " + (i + 1) + " has no key (expected name:key)");
                } else if (keys.containsKey(name)) {
                    problems.add("the name '" + name + "' is used twice; give each key its own name (name:key)");
                } else {
                    keys.put(name, key);
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("--api-keys: " + String.join("; ", problems));
        }
        return of(keys);
    }

    /** Keys by name. */
    public static ApiKeys of(Map<String, String> keysByName) {
        Map<String, byte[]> digests = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        keysByName.forEach((name, key) -> {
            if (name == null || !NAME.matcher(name).matches()) {
                problems.add("key name '" + name + "' must be 1..64 of [A-Za-z0-9._-]");
            } else if (key == null || key.isEmpty()) {
                problems.add("the key named '" + name + "' is empty");
            } else if (!seen.add(key)) {
                problems.add("the key named '" + name + "' is the same as another one; give each client its own key");
            } else {
                digests.put(name, sha256(key));
            }
        });
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("--api-keys: " + String.join("; ", problems));
        }
        return new ApiKeys(digests);
    }

    /**
     * The name of the presented key, or empty when it is no key of ours. Compares against every key, each
     * in constant time, so the answer's timing does not tell how much of a key was right.
     */
    public Optional<String> nameOf(String presentedKey) {
        if (presentedKey == null || presentedKey.isEmpty()) {
            return Optional.empty();
        }
        byte[] presented = sha256(presentedKey);
        String match = null;
        for (Map.Entry<String, byte[]> entry : digests.entrySet()) {
            if (MessageDigest.isEqual(presented, entry.getValue()) && match == null) {
                match = entry.getKey();
            }
        }
        return Optional.ofNullable(match);
    }

    public Set<String> names() {
        return digests.keySet();
    }

    public boolean isEmpty() {
        return digests.isEmpty();
    }

    public int size() {
        return digests.size();
    }

    /** Names only, keys masked: {@code ApiKeys[default=****, ci=****]}. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("ApiKeys[");
        String separator = "";
        for (String name : digests.keySet()) {
            out.append(separator).append(name).append("=****");
            separator = ", ";
        }
        return out.append(']').toString();
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
