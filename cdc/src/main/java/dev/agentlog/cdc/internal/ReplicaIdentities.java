package dev.agentlog.cdc.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Which tables have REPLICA IDENTITY FULL, read at start and again when a table appears that was not there
 * (Letta's migrations add tables). Unknown means default: a delete is then read as its key only, the safe side.
 */
public final class ReplicaIdentities implements Predicate<String> {
    private final Supplier<Map<String, Character>> reader;
    private final Map<String, Character> known = new ConcurrentHashMap<>();

    public ReplicaIdentities(Supplier<Map<String, Character>> reader) {
        this.reader = reader;
        known.putAll(reader.get());
    }

    @Override
    public boolean test(String table) {
        Character identity = known.get(table);
        if (identity == null) {
            known.putAll(reader.get());
            identity = known.getOrDefault(table, 'd');
            known.putIfAbsent(table, identity);
        }
        return identity == 'f';
    }
}
