package dev.agentlog.letta.mapping;

import java.util.LinkedHashMap;
import java.util.Map;

/** A map that forgets its least recently used entries beyond a capacity: the mappings' memory stays bounded. */
final class BoundedMap<K, V> extends LinkedHashMap<K, V> {
    private final int capacity;

    BoundedMap(int capacity) {
        super(16, 0.75f, true);
        this.capacity = capacity;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > capacity;
    }
}
