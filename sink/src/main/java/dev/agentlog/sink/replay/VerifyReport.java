package dev.agentlog.sink.replay;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * What {@code verify} found: one check per table and the first differing rows.
 *
 * @param schema the schema whose tables were read
 * @param source where the log was read ({@code kafka:<topic>} or {@code table:<schema>.events})
 * @param offsets the sink's offsets in the same snapshot as the tables: the log was folded up to exactly these
 * @param recordsRead records of the log read
 * @param eventsFolded distinct events folded (first occurrence of each event_id)
 * @param recordsNotDecodable records the sink dead-letters as invalid, not folded
 * @param differences the first differing rows, at most the asked number
 */
public record VerifyReport(String schema, String source, Map<TopicPartition, Long> offsets, long recordsRead,
        long eventsFolded, long recordsNotDecodable, List<TableCheck> tables, List<Difference> differences) {

    public VerifyReport {
        offsets = Map.copyOf(offsets);
        tables = List.copyOf(tables);
        differences = List.copyOf(differences);
    }

    /** True when every table equals the fold of the log. */
    public boolean equal() {
        return tables.stream().allMatch(TableCheck::equal);
    }

    /**
     * One table.
     *
     * @param logRows rows the fold of the log gives
     * @param tableRows rows in the table
     * @param logChecksum MD5 over the sorted MD5s of the fold's rows in {@link CanonicalText}
     * @param tableChecksum the same over the table's rows
     * @param differingRows rows missing, unexpected or with another value
     */
    public record TableCheck(String table, long logRows, long tableRows, String logChecksum, String tableChecksum,
            long differingRows) {
        public boolean equal() {
            return differingRows == 0 && logChecksum.equals(tableChecksum);
        }
    }

    /**
     * One differing row (and column).
     *
     * @param column the differing column; null when the whole row is missing or unexpected
     * @param logValue the value the log gives, in {@link CanonicalText}; null when the log has no such row
     * @param tableValue the value in the table; null when the table has no such row
     */
    public record Difference(String table, String key, String column, String logValue, String tableValue) {
        @Override
        public String toString() {
            if (tableValue == null) {
                return table + " " + key + ": missing in the table; the log gives " + logValue;
            }
            if (logValue == null) {
                return table + " " + key + ": in the table but not in the log: " + tableValue;
            }
            return table + " " + key + " column " + column + ": log " + logValue + " vs table " + tableValue;
        }
    }
}
