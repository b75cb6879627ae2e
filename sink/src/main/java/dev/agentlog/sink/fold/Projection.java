package dev.agentlog.sink.fold;

/** Every projection table's rows, the state {@link ProjectionFold} applies events to. */
public interface Projection {
    <K, R> Rows<K, R> rows(TableDef<K, R> table);
}
