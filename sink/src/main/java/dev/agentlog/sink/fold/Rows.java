package dev.agentlog.sink.fold;

/**
 * The rows of one projection table as the fold sees them: keyed reads and writes plus the cascading
 * delete. Implementations: the whole table in memory ({@link ProjectionState}) and a batch's changes
 * over the rows it loaded from PostgreSQL (the sink's batch writer).
 */
public interface Rows<K, R> {
    /** The current row, or null when there is none. */
    R get(K key);

    /** Inserts or replaces the row with this row's key. */
    void put(R row);

    void remove(K key);

    /** Removes every row whose {@code ref} column equals {@code value}. */
    void removeWhere(Ref ref, String value);
}
