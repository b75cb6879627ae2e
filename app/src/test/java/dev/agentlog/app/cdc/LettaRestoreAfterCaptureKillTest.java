package dev.agentlog.app.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.app.crash.ChildProcess;
import dev.agentlog.app.e2e.Await;
import dev.agentlog.app.e2e.Rows;
import dev.agentlog.app.e2e.TestRuntime;
import dev.agentlog.cdc.CdcSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Letta round trip across a capture killed with SIGKILL mid-stream: {@code agentlog cdc} runs as its own process;
 * it is killed right after a burst of Letta writes (some read, some not, its position not stored for all), Letta goes
 * on writing while no capture runs, and a new capture takes over from the stored position, re-reading what the dead
 * one had sent under the same event ids. For every sampled instant, before, during and after the gap, a restore of
 * each agent must still give the source's rows at that instant back.
 */
class LettaRestoreAfterCaptureKillTest {
    static final String NAME = "lettakill";
    static final String SLOT = "agentlog_kill";

    static LettaSource source;
    static CdcSettings settings;
    static ChildProcess capture;

    @BeforeAll
    static void start() throws Exception {
        source = new LettaSource(NAME, new SimpleMeterRegistry());
        settings = source.settings(SLOT);
        LettaSource.applyRequiredSetup(settings);
    }

    @AfterAll
    static void stop() throws Exception {
        if (capture != null) {
            capture.close();
        }
        if (settings != null) {
            source.dropSlot(settings);
        }
        source.close();
    }

    @Test
    void shouldRestoreEveryAgentAsItWasAfterTheCaptureWasKilledMidStream() throws Exception {
        LettaWriter writer = source.writer;
        LettaAgentAdmin admin = new LettaAgentAdmin(writer);
        LettaRestoreSamples samples = new LettaRestoreSamples(source);
        Path log = Files.createTempFile("agentlog-cdc-kill", ".log");
        writer.organization();
        LettaWriter.Agent ada = writer.createAgent("ada", "persona", "I am Ada's helper.", "human", "Name: Ada");
        capture = startCapture(log);
        source.mirror.await(); // the snapshot is through
        String human = writer.query("SELECT block_id FROM blocks_agents WHERE agent_id = ? AND block_label = 'human'",
                ada.id).get(0);
        writer.turn(ada, "I prefer tea.", "Noted.", writer.editBlock(human, "Name: Ada\nPrefers tea.", ada.id));
        String passage = writer.archivalInsert(ada, "Ada prefers tea.", "drinks");
        samples.sample(ada);
        LettaWriter.Agent sleeper = admin.sleeptime(ada, "ada");
        for (int i = 0; i < 3; i++) {
            writer.turn(ada, "Turn " + i, "Reply " + i);
        }
        writer.editPassageText(passage, "Ada prefers green tea.");
        samples.sample(ada, sleeper);
        capture.kill(); // SIGKILL, mid-stream: no flush of its position, no orderly close
        assertThat(capture.isAlive()).isFalse();

        admin.sleeptimeTick(ada, sleeper, human, "Name: Ada\nPrefers green tea.");
        writer.retag(passage, ada.archiveId, "drinks", "green");
        samples.sample(ada, sleeper);
        // the dead capture's walsender goes away on its own; the new capture needs the slot free
        Await.until("the slot to be free", LettaMirror.TIMEOUT, () -> writer.query(
                "SELECT active::text FROM pg_replication_slots WHERE slot_name = ?", SLOT), a -> a.equals(List.of("false")));
        capture = startCapture(log);
        writer.turn(ada, "After the crash", "Still here.");
        admin.setTags(ada, "support");
        samples.sample(ada, sleeper);
        source.mirror.await();
        assertThat(Rows.of(source.projections, "SELECT count(*) = count(DISTINCT event_id) FROM " + NAME + ".events"))
                .containsExactly("t");

        for (String at : samples.sourceAt.keySet()) {
            samples.assertRestored(at, "kill_t" + samples.index(at));
        }
    }

    static ChildProcess startCapture(Path log) throws Exception {
        TestRuntime runtime = TestRuntime.get();
        return ChildProcess.start(log, "cdc", "--source-pg-url", source.url, "--source-pg-user", runtime.postgres.user(),
                "--source-pg-password", runtime.postgres.password(), "--slot-name", SLOT, "--publication-name", SLOT,
                "--bootstrap-servers", runtime.bootstrapServers(), "--topic-prefix", NAME);
    }
}
