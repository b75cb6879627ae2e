package dev.agentlog.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentlog.sink.fold.Column;
import dev.agentlog.sink.fold.TableDef;
import dev.agentlog.sink.fold.Tables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class SchemaMigratorTest {
    @Test
    void shouldCreateEveryTableInTheGivenSchemaAndSkipAppliedMigrationsOnTheNextStart() {
        String schema = TestPostgres.freshSchema("migrated");

        assertThat(SchemaMigrator.migrate(TestPostgres.dataSource(), schema)).isZero();
        assertThat(Query.rows("SELECT table_name FROM information_schema.tables WHERE table_schema = '" + schema
                + "' ORDER BY 1")).containsExactly("agent_archives", "agent_blocks", "agent_context", "agent_files",
                "agent_links", "agents", "archives", "block_versions", "blocks", "conversation_blocks",
                "conversation_messages", "conversations", "events", "flyway_schema_history", "log_start", "messages", "passages",
                "sink_offsets", "snapshot_streams", "snapshots", "source_rows", "subject_keys");
        assertThat(Query.rows("SELECT count(*) FROM information_schema.table_constraints WHERE table_schema = '"
                + schema + "' AND constraint_type = 'FOREIGN KEY'")).containsExactly("0");
    }

    @Test
    void shouldHaveTheColumnsAndTypesTheFoldWritesInTheirOrder() {
        String schema = TestPostgres.freshSchema("columns");
        for (TableDef<?, ?> table : Tables.ALL) {
            List<String> expected = table.columns().stream().map(SchemaMigratorTest::describe).toList();
            assertThat(Query.rows("SELECT column_name || ' ' || CASE WHEN data_type = 'ARRAY' THEN"
                    + " replace(udt_name, '_float4', 'real[]') ELSE data_type END FROM information_schema.columns"
                    + " WHERE table_schema = '" + schema + "' AND table_name = '" + table.name()
                    + "' ORDER BY ordinal_position")).as(table.name()).isEqualTo(expected);
        }
    }

    private static String describe(Column column) {
        String type = switch (column.type()) {
            case TEXT -> "text";
            case JSONB -> "jsonb";
            case TIMESTAMPTZ -> "timestamp with time zone";
            case INTEGER -> "integer";
            case BIGINT -> "bigint";
            case BOOLEAN -> "boolean";
            case REAL_ARRAY -> "real[]";
        };
        return column.name() + " " + type;
    }

    @Test
    void shouldReadTheVersionOfASchemaWithoutFlyway() throws Exception {
        String schema = TestPostgres.freshSchema("versioned");

        assertThat(SchemaMigrator.version(TestPostgres.dataSource(), schema)).isEqualTo(SchemaMigrator.LATEST_VERSION);
        assertThat(SchemaMigrator.version(TestPostgres.dataSource(), "never_migrated")).isZero();
    }

    @Test
    void shouldKnowTheNewestMigrationAsTheLatestVersion() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/agentlog"))) {
            assertThat(files.map(f -> f.getFileName().toString()).filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .mapToInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__")))).max().orElse(0))
                    .isEqualTo(SchemaMigrator.LATEST_VERSION);
        }
    }

    @Test
    void shouldRefuseASchemaNameThatIsNotAPlainIdentifier() {
        assertThatThrownBy(() -> SchemaMigrator.migrate(TestPostgres.dataSource(), "agentlog; DROP TABLE x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("schema must be a lower-case PostgreSQL identifier");
    }
}
