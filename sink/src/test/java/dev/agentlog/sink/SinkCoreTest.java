package dev.agentlog.sink;

import static dev.agentlog.events.EventType.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentlog.sink.fold.ProjectionState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sink's Kafka-free core against a real PostgreSQL: every table, idempotence, the block version guard. */
class SinkCoreTest {
    private String schema;
    private SimpleMeterRegistry registry;
    private RecordedDeadLetters deadLetters;
    private SinkCore core;
    private TestLog log;

    @BeforeEach
    void freshSchema() {
        schema = TestPostgres.freshSchema("core");
        registry = new SimpleMeterRegistry();
        deadLetters = new RecordedDeadLetters();
        core = newCore(SinkSettings.defaults().withSchema(schema));
        log = new TestLog();
        core.assign(log.partitions());
    }

    private SinkCore newCore(SinkSettings settings) {
        return new SinkCore(TestPostgres.dataSource(), settings, deadLetters, registry);
    }

    private void lettaTurn() {
        log.add("agent-1", AGENT_CREATED, """
                {"name":"helper","agent_type":"memgpt_v2_agent","system":"You are {{persona}}","description":"d",
                 "llm_config":{"model":"gpt-4o","context_window":128000},"embedding_config":{"embedding_dim":4},
                 "tool_rules":[{"type":"exit_loop","tool_name":"send_message"}],"metadata":{"k":1.50}}""");
        log.add("block-h", BLOCK_CREATED, """
                {"label":"human","value":"Name: Ada","limit":5000,"description":"about the user","read_only":false,"metadata":{}}""");
        log.add("block-p", BLOCK_CREATED, """
                {"label":"persona","value":"I am helper","limit":5000}""");
        log.add("agent-1", BLOCK_ATTACHED, "{\"block_id\":\"block-h\",\"label\":\"human\"}");
        log.add("agent-1", BLOCK_ATTACHED, "{\"block_id\":\"block-p\",\"label\":\"persona\"}");
        log.add("agent-1", MESSAGE_CREATED, """
                {"message_id":"message-0","role":"system","content":[{"type":"text","text":"You are helper. Name: Ada"}],
                 "created_at":"2026-11-24T09:00:00Z"}""");
        log.add("agent-1", MESSAGE_CREATED, """
                {"message_id":"message-1","role":"user","content":[{"type":"text","text":"I am Ada Lovelace"}],
                 "source_sequence":11}""");
        log.add("block-h", BLOCK_UPDATED, "{\"value\":\"Name: Ada Lovelace\",\"version\":2}");
        log.add("agent-1", MESSAGE_UPDATED, """
                {"message_id":"message-0","content":[{"type":"text","text":"You are helper. Name: Ada Lovelace"}]}""");
        log.add("agent-1", MESSAGE_CREATED, """
                {"message_id":"message-2","role":"assistant","content":[{"type":"reasoning","reasoning":"update memory"}],
                 "tool_calls":[{"id":"call-1","type":"function","function":{"name":"core_memory_replace","arguments":"{}"}}],
                 "step_id":"step-1","run_id":"run-1","otid":"otid-2","source_sequence":12}""");
        log.add("agent-1", MESSAGE_CREATED, """
                {"message_id":"message-3","role":"tool","name":"core_memory_replace","tool_call_id":"call-1",
                 "tool_returns":[{"status":"success","func_response":"ok"}],"content":[{"type":"text","text":"ok"}],
                 "source_sequence":13,"x_future":{"kept":true}}""");
        log.add("archive-1", ARCHIVE_CREATED, "{\"name\":\"helper-archive\",\"embedding_config\":{\"embedding_dim\":4}}");
        log.add("agent-1", ARCHIVE_ATTACHED, "{\"archive_id\":\"archive-1\"}");
        log.add("archive-1", PASSAGE_INSERTED, """
                {"passage_id":"passage-1","text":"Ada likes tea","tags":["pref","food"],"metadata":{},
                 "embedding":[0.1,-0.25,1.0E-7,3],"embedding_model":"text-embedding-3-small"}""");
        log.add("agent-1", CONTEXT_UPDATED,
                "{\"message_ids\":[\"message-0\",\"message-1\",\"message-2\",\"message-3\"]}");
        log.add("agent-1", MESSAGE_CREATED, """
                {"message_id":"message-4","role":"summary","content":[{"type":"text","text":"{\\"type\\":\\"system_alert\\",\\"message\\":\\"Ada said hi\\"}"}]}""");
        log.add("agent-1", CONTEXT_UPDATED, "{\"message_ids\":[\"message-0\",\"message-4\",\"message-3\"]}");
        log.add("tools:tool-1", ROW_CHANGED, """
                {"table":"tools","op":"c","before":null,"after":{"id":"tool-1","name":"web_search"}}""");
    }

    @Test
    void shouldStopWithoutApplyingAnythingWhenTheLogIsSealedAndTheSinkHasNoKeys() throws Exception {
        log.add("agent-1", AGENT_CREATED, "{\"name\":\"helper\"}");
        log.add("agent-1", MESSAGE_CREATED, "{\"message_id\":\"message-1\",\"role\":\"user\",\"$sealed\":{\"v\":1,"
                + "\"subject\":\"agent-1\",\"ct\":\"AQAAAAE=\"}}");

        assertThatThrownBy(() -> core.process(log.records())).isInstanceOf(SinkFatalException.class)
                .hasMessageContaining("--kek-file");
        assertThat(ProjectionReader.read(TestPostgres.dataSource(), schema).rowCount()).isZero();
        assertThat(deadLetters.letters).isEmpty();
    }

    @Test
    void shouldLandEveryEventOfALettaTurnInItsTable() {
        lettaTurn();

        BatchResult result = core.process(log.drain());

        assertThat(result.applied()).isEqualTo(18);
        assertThat(result.committed()).containsEntry(new TopicPartition(TestLog.TOPIC, 0), 18L);
        assertThat(Query.rows("SELECT agent_id, name, agent_type, system, llm_config->>'model', metadata::text,"
                + " created_at = updated_at, deleted_at FROM " + schema + ".agents"))
                .containsExactly("agent-1|helper|memgpt_v2_agent|You are {{persona}}|gpt-4o|{\"k\": 1.50}|t|null");
        assertThat(Query.rows("SELECT message_id, agent_id, role, content->0->>'type', tool_calls->0->>'id', tool_call_id,"
                + " tool_returns->0->>'status', name, step_id, run_id, otid, source_sequence, extra::text FROM " + schema
                + ".messages ORDER BY message_id")).containsExactly(
                "message-0|agent-1|system|text|null|null|null|null|null|null|null|null|null",
                "message-1|agent-1|user|text|null|null|null|null|null|null|null|11|null",
                "message-2|agent-1|assistant|reasoning|call-1|null|null|null|step-1|run-1|otid-2|12|null",
                "message-3|agent-1|tool|text|null|call-1|success|core_memory_replace|null|null|null|13|{\"x_future\": {\"kept\": true}}",
                "message-4|agent-1|summary|text|null|null|null|null|null|null|null|null|null");
        assertThat(Query.rows("SELECT content->0->>'text', created_at, updated_at > created_at FROM " + schema
                + ".messages WHERE message_id = 'message-0'"))
                .containsExactly("You are helper. Name: Ada Lovelace|2026-11-24 09:00:00+00|t");
        assertThat(Query.rows("SELECT agent_id, position, message_id FROM " + schema + ".agent_context ORDER BY position"))
                .containsExactly("agent-1|0|message-0", "agent-1|1|message-4", "agent-1|2|message-3");
        assertThat(Query.rows("SELECT block_id, label, value, value_limit, description, read_only, version,"
                + " updated_at > created_at, deleted_at FROM " + schema + ".blocks ORDER BY block_id")).containsExactly(
                "block-h|human|Name: Ada Lovelace|5000|about the user|f|2|t|null",
                "block-p|persona|I am helper|5000|null|null|1|f|null");
        assertThat(Query.rows("SELECT block_id, version, value, label, event_id FROM " + schema
                + ".block_versions ORDER BY block_id, version")).containsExactly(
                "block-h|1|Name: Ada|human|e-2", "block-h|2|Name: Ada Lovelace|human|e-8", "block-p|1|I am helper|persona|e-3");
        assertThat(Query.rows("SELECT agent_id, block_id, label FROM " + schema + ".agent_blocks ORDER BY block_id"))
                .containsExactly("agent-1|block-h|human", "agent-1|block-p|persona");
        assertThat(Query.rows("SELECT archive_id, name, embedding_config::text, deleted_at FROM " + schema + ".archives"))
                .containsExactly("archive-1|helper-archive|{\"embedding_dim\": 4}|null");
        assertThat(Query.rows("SELECT agent_id, archive_id FROM " + schema + ".agent_archives"))
                .containsExactly("agent-1|archive-1");
        assertThat(Query.rows("SELECT passage_id, archive_id, text, tags::text, embedding::text, embedding_model FROM "
                + schema + ".passages")).containsExactly(
                "passage-1|archive-1|Ada likes tea|[\"pref\", \"food\"]|{0.1,-0.25,1e-07,3}|text-embedding-3-small");
        assertThat(Query.rows("SELECT stream_id, source_table, \"row\"->>'name', op FROM " + schema + ".source_rows"))
                .containsExactly("tools:tool-1|tools|web_search|c");
        assertThat(Query.rows("SELECT count(*), count(DISTINCT event_id), min(stream_seq), max(kafka_offset) FROM "
                + schema + ".events")).containsExactly("18|18|1|17");
        assertThat(Query.rows("SELECT next_offset FROM " + schema + ".sink_offsets")).containsExactly("18");
        assertThat(registry.get("agentlog.sink.events.applied").tag("table", "messages").counter().count())
                .isEqualTo(6.0);
    }

    @Test
    void shouldKeepTheLastKnownValueOfColumnsAnUpdateDidNotResend() {
        log.add("files_agents:fa-1", ROW_CHANGED, """
                {"table":"files_agents","op":"c","after":{"id":"fa-1","is_open":true,"visible_content":"line 1\\nline 2"}}""");
        core.process(log.drain()); // in a batch of its own: the update's batch reads the stored row
        log.add("files_agents:fa-1", ROW_CHANGED, """
                {"table":"files_agents","op":"u","after":{"id":"fa-1","is_open":true,"last_accessed_at":"2026-12-06T10:00:00Z"},
                 "unchanged":["visible_content"]}""");
        log.add("files_agents:fa-1", ROW_CHANGED, """
                {"table":"files_agents","op":"u","after":{"id":"fa-1","is_open":false,"visible_content":null}}""");
        log.add("files_agents:fa-2", ROW_CHANGED, """
                {"table":"files_agents","op":"u","after":{"id":"fa-2","is_open":true},"unchanged":["visible_content"]}""");
        core.process(log.drain());

        assertThat(Query.rows("SELECT stream_id, \"row\"->>'is_open', \"row\" ? 'visible_content', "
                + "\"row\"->>'visible_content', \"row\" ? 'last_accessed_at' FROM " + schema + ".source_rows ORDER BY 1"))
                .as("kept while unchanged; an update that sends the column sets it (to null here); an unknown row "
                        + "stays without the column, never a placeholder")
                .containsExactly("files_agents:fa-1|false|t|null|f", "files_agents:fa-2|true|f|null|f");
    }

    @Test
    void shouldKeepAnUnchangedValueAcrossUpdatesInOneBatch() {
        log.add("files_agents:fa-1", ROW_CHANGED, """
                {"table":"files_agents","op":"c","after":{"id":"fa-1","visible_content":"window"}}""");
        log.add("files_agents:fa-1", ROW_CHANGED, """
                {"table":"files_agents","op":"u","after":{"id":"fa-1","n":1},"unchanged":["visible_content"]}""");
        log.add("files_agents:fa-1", ROW_CHANGED, """
                {"table":"files_agents","op":"u","after":{"id":"fa-1","n":2},"unchanged":["visible_content"]}""");
        core.process(log.drain());

        assertThat(Query.rows("SELECT \"row\"->>'visible_content', \"row\"->>'n' FROM " + schema + ".source_rows"))
                .containsExactly("window|2");
    }

    @Test
    void shouldApplyDeletesWithTheirCascades() {
        lettaTurn();
        log.add("agent-1", MESSAGE_DELETED, "{\"message_id\":\"message-1\"}");
        log.add("agent-1", BLOCK_DETACHED, "{\"block_id\":\"block-p\"}");
        log.add("archive-1", PASSAGE_DELETED, "{\"passage_id\":\"passage-1\"}");
        log.add("tools:tool-1", ROW_CHANGED, "{\"table\":\"tools\",\"op\":\"d\",\"before\":{\"id\":\"tool-1\"}}");
        core.process(log.drain());
        assertThat(Query.rows("SELECT message_id FROM " + schema + ".messages ORDER BY 1"))
                .containsExactly("message-0", "message-2", "message-3", "message-4");
        assertThat(Query.rows("SELECT block_id FROM " + schema + ".agent_blocks")).containsExactly("block-h");
        assertThat(Query.count("SELECT count(*) FROM " + schema + ".passages")).isZero();
        assertThat(Query.count("SELECT count(*) FROM " + schema + ".source_rows")).isZero();

        log.add("block-h", BLOCK_DELETED, "{}");
        log.add("archive-1", ARCHIVE_DELETED, "{}");
        core.process(log.drain());
        assertThat(Query.count("SELECT count(*) FROM " + schema + ".agent_blocks")).isZero();
        assertThat(Query.count("SELECT count(*) FROM " + schema + ".agent_archives")).isZero();
        assertThat(Query.rows("SELECT block_id, deleted_at IS NOT NULL FROM " + schema + ".blocks ORDER BY 1"))
                .containsExactly("block-h|t", "block-p|f");
        assertThat(Query.count("SELECT count(*) FROM " + schema + ".block_versions WHERE block_id = 'block-h'"))
                .isEqualTo(2);

        log.add("agent-1", AGENT_DELETED, "{}");
        core.process(log.drain());
        assertThat(Query.rows("SELECT name, deleted_at IS NOT NULL FROM " + schema + ".agents"))
                .containsExactly("helper|t");
        for (String table : List.of("messages", "agent_context", "agent_blocks", "agent_archives")) {
            assertThat(Query.count("SELECT count(*) FROM " + schema + "." + table)).as(table).isZero();
        }
        assertThat(Query.count("SELECT count(*) FROM " + schema + ".blocks")).isEqualTo(2);
        assertThat(Query.count("SELECT count(*) FROM " + schema + ".archives")).isEqualTo(1);
    }

    @Test
    void shouldChangeNothingWhenTheSameEventsArriveAgain() throws Exception {
        lettaTurn();
        List<SinkRecord> first = log.drain();
        core.process(first);
        ProjectionState before = ProjectionReader.read(TestPostgres.dataSource(), schema);
        List<String> eventsBefore = Query.rows("SELECT event_id, kafka_offset, recorded_at FROM " + schema
                + ".events ORDER BY event_id");

        first.forEach(log::redeliver);
        BatchResult again = core.process(log.drain());

        assertThat(again.applied()).isZero();
        assertThat(again.duplicates()).isEqualTo(first.size());
        assertThat(ProjectionReader.read(TestPostgres.dataSource(), schema).differencesFrom(before, 10)).isEmpty();
        assertThat(Query.rows("SELECT event_id, kafka_offset, recorded_at FROM " + schema + ".events ORDER BY event_id"))
                .isEqualTo(eventsBefore);
        assertThat(Query.rows("SELECT next_offset FROM " + schema + ".sink_offsets"))
                .containsExactly(String.valueOf(2 * first.size()));
    }

    @Test
    void shouldLookEventIdsUpOnlyForAWhileAfterABatchMetOneAlreadyStored() {
        FailingDataSource recording = new FailingDataSource();
        core = new SinkCore(recording, SinkSettings.defaults().withSchema(schema), deadLetters, registry);
        core.assign(log.partitions());
        lettaTurn();
        List<SinkRecord> first = log.drain();
        java.util.function.Predicate<String> lookUp = sql -> sql.startsWith("SELECT event_id FROM ")
                && sql.contains("events\" WHERE event_id = ANY");

        core.process(first);
        assertThat(recording.prepared()).as("new events are not looked up").noneMatch(lookUp);

        first.forEach(log::redeliver);
        BatchResult again = core.process(log.drain());
        assertThat(again.duplicates()).as("met by the COPY, applied the conservative way").isEqualTo(first.size());
        assertThat(recording.prepared()).anyMatch(sql -> sql.contains("ON CONFLICT (event_id) DO NOTHING"));

        recording.prepared().clear();
        first.forEach(log::redeliver);
        BatchResult third = core.process(log.drain());
        assertThat(third.applied()).isZero();
        assertThat(third.duplicates()).isEqualTo(first.size());
        assertThat(recording.prepared()).as("after a conflict, batches look up first").anyMatch(lookUp)
                .noneMatch(sql -> sql.contains("ON CONFLICT"));
        assertThat(Query.count("SELECT count(*) FROM " + schema + ".events")).isEqualTo(first.size());
    }

    @Test
    void shouldIgnoreRecordsBelowTheStoredOffsetWhenTheSameBatchIsPolledAgain() {
        lettaTurn();
        List<SinkRecord> batch = log.drain();
        core.process(batch);

        BatchResult again = core.process(batch);

        assertThat(again.applied()).isZero();
        assertThat(again.committed()).isEmpty();
        assertThat(Query.count("SELECT count(*) FROM " + schema + ".events")).isEqualTo(batch.size());
    }

    @Test
    void shouldApplyBlockUpdateOnlyWhenItsVersionIsNewer() {
        log.add("block-1", BLOCK_CREATED, "{\"label\":\"human\",\"value\":\"v1\"}");
        log.add("block-1", BLOCK_UPDATED, "{\"value\":\"v3\",\"version\":3}");
        log.add("block-1", BLOCK_UPDATED, "{\"value\":\"stale v2\",\"version\":2}");
        log.add("block-1", BLOCK_UPDATED, "{\"value\":\"same v3\",\"version\":3}");
        core.process(log.drain());
        log.add("block-1", BLOCK_UPDATED, "{\"value\":\"stale again\",\"version\":1}");
        log.add("block-1", BLOCK_UPDATED, "{\"value\":\"v4, no version sent\"}");
        log.add("block-1", BLOCK_UPDATED, "{\"label\":\"user\",\"version\":5}");
        core.process(log.drain());

        assertThat(Query.rows("SELECT label, value, version FROM " + schema + ".blocks"))
                .containsExactly("user|v4, no version sent|5");
        assertThat(Query.rows("SELECT version, label, value FROM " + schema + ".block_versions ORDER BY version"))
                .containsExactly("1|human|v1", "3|human|v3", "4|human|v4, no version sent", "5|user|v4, no version sent");
        assertThat(Query.count("SELECT count(*) FROM " + schema + ".events")).isEqualTo(7);
    }

    @Test
    void shouldKeepEveryBlockVersionWhenOneBatchEditsABlockManyTimes() {
        log.add("block-1", BLOCK_CREATED, "{\"label\":\"human\",\"value\":\"v1\"}");
        for (int v = 2; v <= 50; v++) {
            log.add("block-1", BLOCK_UPDATED, "{\"value\":\"v" + v + "\",\"version\":" + v + "}");
        }
        core.process(log.drain());

        assertThat(Query.rows("SELECT value, version FROM " + schema + ".blocks")).containsExactly("v50|50");
        assertThat(Query.rows("SELECT count(*), min(version), max(version), count(DISTINCT value) FROM " + schema
                + ".block_versions")).containsExactly("50|1|50|50");
    }

    @Test
    void shouldInsertPartialRowWhenAnUpdateComesBeforeAnyCreate() {
        log.add("agent-9", AGENT_UPDATED, "{\"name\":\"late\"}");
        log.add("agent-9", MESSAGE_UPDATED, "{\"message_id\":\"message-9\",\"role\":\"system\"}");
        log.add("agent-9", BLOCK_ATTACHED, "{\"block_id\":\"block-not-yet-created\",\"label\":\"human\"}");
        core.process(log.drain());

        assertThat(Query.rows("SELECT agent_id, name, created_at, updated_at IS NOT NULL FROM " + schema + ".agents"))
                .containsExactly("agent-9|late|null|t");
        assertThat(Query.rows("SELECT message_id, agent_id, role FROM " + schema + ".messages"))
                .containsExactly("message-9|agent-9|system");
        assertThat(Query.rows("SELECT block_id FROM " + schema + ".agent_blocks")).containsExactly("block-not-yet-created");
    }

    @Test
    void shouldClearFieldsSentAsNullAndKeepAbsentOnes() {
        log.add("agent-1", AGENT_CREATED, "{\"name\":\"a\",\"description\":\"d\",\"system\":\"s\"}");
        log.add("agent-1", AGENT_UPDATED, "{\"description\":null,\"name\":\"b\"}");
        core.process(log.drain());

        assertThat(Query.rows("SELECT name, description, system FROM " + schema + ".agents"))
                .containsExactly("b|null|s");
    }

    @Test
    void shouldStopWithClearMessageWhenTheSchemaIsMissing() {
        SinkCore missing = newCore(SinkSettings.defaults().withSchema("no_such_schema"));

        assertThatThrownBy(() -> missing.assign(log.partitions()))
                .isInstanceOf(SinkFatalException.class)
                .hasMessageContaining("schema 'no_such_schema' or one of its tables is missing")
                .hasMessageContaining("42P01");
    }
}
