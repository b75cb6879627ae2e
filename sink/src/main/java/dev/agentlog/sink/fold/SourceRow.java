package dev.agentlog.sink.fold;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * A row of {@code source_rows}: the latest image of a row of a source table that has no typed event
 * yet ({@code row.changed}), keyed by its stream id {@code <table>:<primary key>}.
 */
public record SourceRow(String streamId, String sourceTable, JsonNode row, String op, Instant updatedAt) {}
