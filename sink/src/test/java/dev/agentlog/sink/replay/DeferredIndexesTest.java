package dev.agentlog.sink.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.sink.Query;
import dev.agentlog.sink.TestPostgres;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a rebuild defers and builds back, on a real PostgreSQL: the secondary indexes, and the unique keys of events. */
class DeferredIndexesTest {

    private static List<String> constraintsOfEvents(String schema) {
        return Query.rows("SELECT conname FROM pg_constraint WHERE conrelid = '" + schema + ".events'::regclass"
                + " AND contype IN ('p', 'u') ORDER BY 1");
    }

    private static List<String> indexesOf(String schema) {
        return Query.rows("SELECT indexname FROM pg_indexes WHERE schemaname = '" + schema + "'"
                + " AND tablename IN ('events', 'block_versions') ORDER BY 1");
    }

    @Test
    void shouldBuildTheUniqueKeysOfEventsFirstAndEverythingElseAtTheEnd() throws Exception {
        String schema = TestPostgres.freshSchema("deferred");
        List<String> indexes = indexesOf(schema);
        try (Connection c = TestPostgres.dataSource().getConnection()) {
            c.setAutoCommit(true);
            assertThat(DeferredIndexes.defer(c, schema, true)).isEqualTo(7);
        }
        assertThat(constraintsOfEvents(schema)).isEmpty();
        assertThat(indexesOf(schema)).containsExactly("block_versions_pkey");

        assertThat(DeferredIndexes.restoreUniqueKeys(TestPostgres.dataSource(), schema)).isEqualTo(2);

        assertThat(constraintsOfEvents(schema)).containsExactly("events_pkey", "events_stream_position");
        assertThat(indexesOf(schema)).containsExactly("block_versions_pkey", "events_pkey", "events_stream_position");

        assertThat(DeferredIndexes.restore(TestPostgres.dataSource(), schema, 2)).isEqualTo(5);

        assertThat(indexesOf(schema)).isEqualTo(indexes);
        assertThat(Query.rows("SELECT count(*) FROM pg_tables WHERE schemaname = '" + schema + "' AND tablename = '"
                + DeferredIndexes.TABLE + "'")).containsExactly("0");
    }

    @Test
    void shouldMakeAUniqueKeyBuiltBeforeACrashAConstraintWithoutBuildingItAgain() throws Exception {
        String schema = TestPostgres.freshSchema("deferred");
        try (Connection c = TestPostgres.dataSource().getConnection()) {
            c.setAutoCommit(true);
            DeferredIndexes.defer(c, schema, true);
        }
        // a rebuild that built the primary key's index and died before making it the constraint
        TestPostgres.execute("CREATE UNIQUE INDEX events_pkey ON " + schema + ".events (event_id)");
        TestPostgres.execute("UPDATE " + schema + "." + DeferredIndexes.TABLE + " SET built = true WHERE name = 'events_pkey'");

        DeferredIndexes.restoreUniqueKeys(TestPostgres.dataSource(), schema);

        assertThat(constraintsOfEvents(schema)).containsExactly("events_pkey", "events_stream_position");
    }
}
