package dev.agentlog.cdc.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.Timestamps;
import dev.agentlog.letta.mapping.PassageLookup;
import dev.agentlog.letta.mapping.Row;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a passage and its tag rows from the source, in the form of a change's row image. Works with Letta's
 * {@code vector} embeddings (pgvector) and the fixture's {@code real[]} alike: both are read as text. Used on the
 * engine's handler thread only.
 */
public final class JdbcPassageLookup implements PassageLookup {
    private static final Logger log = LoggerFactory.getLogger(JdbcPassageLookup.class);
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final SourceConnection connection;
    private final String passages;
    private final String tags;
    private final String logPrefix;

    public JdbcPassageLookup(SourceConnection connection, String schema, String logPrefix) {
        this.connection = connection;
        this.passages = "SELECT id, archive_id, organization_id, text, tags::text AS tags, metadata_::text AS metadata_, "
                + "embedding_config::text AS embedding_config, embedding::text AS embedding, created_at, "
                + "_last_updated_by_id FROM \"" + schema + "\".archival_passages WHERE id = ?";
        this.tags = "SELECT id, tag FROM \"" + schema + "\".passage_tags WHERE passage_id = ? ORDER BY created_at, id";
        this.logPrefix = logPrefix;
    }

    @Override
    public Optional<StoredPassage> find(String passageId) {
        try {
            return connection.run(c -> {
                Map<String, JsonNode> values = new LinkedHashMap<>();
                try (PreparedStatement s = c.prepareStatement(passages)) {
                    s.setString(1, passageId);
                    try (ResultSet rs = s.executeQuery()) {
                        if (!rs.next()) {
                            return Optional.empty();
                        }
                        for (String column : new String[] {"id", "archive_id", "organization_id", "text", "_last_updated_by_id"}) {
                            values.put(column, text(rs.getString(column)));
                        }
                        for (String column : new String[] {"tags", "metadata_", "embedding_config"}) {
                            values.put(column, json(rs.getString(column)));
                        }
                        values.put("embedding", embedding(rs.getString("embedding")));
                        OffsetDateTime created = rs.getObject("created_at", OffsetDateTime.class);
                        values.put("created_at", created == null ? JSON.nullNode() : JSON.textNode(Timestamps.format(created)));
                    }
                }
                Map<String, String> tagsById = new LinkedHashMap<>();
                try (PreparedStatement s = c.prepareStatement(tags)) {
                    s.setString(1, passageId);
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            tagsById.put(rs.getString(1), rs.getString(2));
                        }
                    }
                }
                return Optional.of(new StoredPassage(Row.of(values), tagsById));
            });
        } catch (SQLException e) {
            log.warn("{} cannot read passage {} from the source ({}): its tags change is told when the passage "
                    + "next changes", logPrefix, passageId, e.getMessage());
            return Optional.empty();
        }
    }

    private static JsonNode text(String value) {
        return value == null ? JSON.nullNode() : JSON.textNode(value);
    }

    private static JsonNode json(String value) {
        if (value == null) {
            return JSON.nullNode();
        }
        try {
            return EventCodec.JSON.readTree(value);
        } catch (JsonProcessingException e) {
            return JSON.textNode(value);
        }
    }

    /** {@code {0.1,0.2}} (real[]) or {@code [0.1,0.2]} (pgvector) as a JSON array of numbers. */
    static JsonNode embedding(String value) {
        if (value == null) {
            return JSON.nullNode();
        }
        String inner = value.strip();
        if (inner.length() >= 2) {
            inner = inner.substring(1, inner.length() - 1);
        }
        ArrayNode array = JSON.arrayNode();
        if (!inner.isBlank()) {
            for (String item : inner.split(",")) {
                array.add(Float.parseFloat(item.strip()));
            }
        }
        return array;
    }
}
