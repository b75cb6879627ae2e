package dev.agentlog.app.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentlog.app.e2e.Await;
import dev.agentlog.app.e2e.CliRun;
import dev.agentlog.events.DeadLetterHeaders;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.Timestamps;
import dev.agentlog.query.LineDiff;
import dev.agentlog.workload.LettaWorkload;
import dev.agentlog.workload.WorkloadEvent;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The web UI in a real headless Chromium against the API as {@code up} serves it, with a Letta-like workload in the
 * log ({@link LettaWorkload}): the agent as the UI shows it at an instant is what {@code agentlog state --at} prints
 * for that instant (by the instant field and by the slider), a block's history shows each version's diff, the
 * timeline filters by type, a shared link opens in the same state, dead letters show their original record, and a
 * key without the read scope gets no data. Skipped (with the reason) only where chromedriver is not installed.
 */
class WebUiBrowserTest {
    static final String AGENT = "agent-bench-1";
    static final String BLOCK = "block-bench-1";
    static final Set<String> MEMORY_EDITS = Set.of("block.created", "block.updated", "block.deleted");

    static UiFixture fixture;
    static Browser browser;
    static List<WorkloadEvent> log;

    @BeforeAll
    static void startWithAWorkload() throws Exception {
        Assumptions.assumeTrue(Browser.available(), "no headless Chromium here: install Debian's chromium and "
                + "chromium-driver (" + Browser.DRIVER + ", " + Browser.CHROMIUM + "); .ci/run does");
        fixture = new UiFixture("webui");
        log = new LettaWorkload(17, 1_500, 3).toList();
        List<Map.Entry<String, byte[]>> records = new ArrayList<>();
        log.forEach(e -> records.add(Map.entry(e.streamId(), e.json())));
        fixture.produce(fixture.topics.events(), records);
        // one event the processor refuses (no message_id): a dead letter with its reason and original record
        fixture.produce(fixture.topics.in(), List.of(Map.entry(AGENT, ("{\"event_id\":\"0e0e0e0e-0000-4000-8000-"
                + "00000000dead\",\"type\":\"message.created\",\"schema_version\":2,\"stream_id\":\"" + AGENT
                + "\",\"occurred_at\":\"2026-11-30T00:00:00Z\",\"payload\":{\"role\":\"user\"}}")
                .getBytes(StandardCharsets.UTF_8))));
        Await.until("the workload in PostgreSQL", Duration.ofSeconds(180), () -> fixture.probe.count("events"),
                n -> n == log.size());
        Await.until("one dead letter", Duration.ofSeconds(180), () -> fixture.probe.readAll(fixture.topics.dlq()).size(),
                n -> n == 1);
        browser = new Browser(fixture.baseUrl());
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void shouldShowTheAgentAtAnInstantExactlyAsStateAtPrintsIt() throws Exception {
        browser.signIn(UiFixture.READER_KEY);
        openAgent("#/agent/" + AGENT);
        String at = instantOfEvent(AGENT, 60);

        int moves = moves();
        WebElement instant = browser.driver.findElement(By.cssSelector("[data-test=instant]"));
        instant.clear();
        instant.sendKeys(at);
        browser.driver.findElement(By.cssSelector("[data-test=instant-go]")).click();
        awaitMove(moves);
        assertShowsStateAt(AGENT, at);
        assertThat(browser.driver.getCurrentUrl()).contains("at=" + URLEncoder.encode(at, StandardCharsets.UTF_8));
        browser.screenshot("agent");

        // the slider: each step back shows an earlier instant, again exactly as `state --at` has it
        WebElement slider = browser.driver.findElement(By.cssSelector("[data-test=slider]"));
        String before = shownAt();
        moves = moves();
        slider.sendKeys(Keys.ARROW_LEFT, Keys.ARROW_LEFT, Keys.ARROW_LEFT, Keys.ARROW_LEFT, Keys.ARROW_LEFT);
        awaitMove(moves);
        assertThat(shownAt()).isNotEqualTo(before);
        assertThat(micros(shownAt())).isLessThan(micros(before));
        assertShowsStateAt(AGENT, shownAt());
    }

    @Test
    void shouldShowEachVersionOfABlockWithItsDiffAndWhoMadeIt() throws Exception {
        browser.signIn(UiFixture.READER_KEY);
        browser.go("#/block/" + BLOCK + "?agent=" + AGENT);
        browser.await(d -> "block".equals(browser.script("return document.body.dataset.ready")));

        List<String> expected = new ArrayList<>();
        String previous = null;
        Integer previousVersion = null;
        for (String[] version : rows("SELECT version, value FROM " + fixture.prefix + ".block_versions"
                + " WHERE block_id = ? ORDER BY version", BLOCK)) {
            expected.add(LineDiff.unified(previous, version[1], previousVersion == null ? "(no value)"
                    : "version " + previousVersion, "version " + version[0]));
            previous = version[1];
            previousVersion = Integer.parseInt(version[0]);
        }
        @SuppressWarnings("unchecked")
        List<String> shown = (List<String>) browser.script("return [...document.querySelectorAll("
                + "'[data-test=block-change] [data-test=diff]')].map(pre => pre.textContent)");
        assertThat(expected).hasSizeGreaterThan(3);
        assertThat(shown).isEqualTo(expected);
        assertThat(browser.all("[data-test=block-change] [data-test=who]")).allSatisfy(who ->
                assertThat(who.getText()).contains("via bench"));
        assertThat(browser.all("[data-test=change-in-timeline]")).hasSize(expected.size());
        browser.screenshot("block");
    }

    @Test
    void shouldFilterTheTimelineByType() throws Exception {
        browser.signIn(UiFixture.READER_KEY);
        openAgent("#/agent/" + AGENT);
        browser.driver.findElement(By.cssSelector("[data-test=filter-memory-edits]")).click();
        browser.driver.findElement(By.cssSelector("[data-test=filter-apply]")).click();

        Set<String> streams = Set.of(AGENT, BLOCK, "block-bench-shared", "archive-bench-1");
        long expected = 0;
        for (WorkloadEvent e : log) {
            JsonNode event = EventCodec.JSON.readTree(e.json());
            boolean ofAgent = streams.contains(e.streamId()) || AGENT.equals(event.path("agent_id").asText(null));
            if (ofAgent && MEMORY_EDITS.contains(e.type().wireName())) {
                expected++;
            }
        }
        long count = expected;
        browser.await(d -> browser.driver.findElement(By.cssSelector("[data-test=timeline-count]")).getText()
                .startsWith(count + " event(s) match the filter"));
        List<WebElement> shown = browser.all("[data-test=timeline] > li");
        assertThat(shown).hasSize((int) Math.min(count, 200));
        assertThat(shown).allSatisfy(li -> assertThat(MEMORY_EDITS).contains(li.getAttribute("data-type")));
        assertThat(browser.driver.getCurrentUrl()).contains("types=block.");
    }

    @Test
    void shouldOpenASharedLinkInTheStateItWasSharedIn() throws Exception {
        String agent = "agent-bench-2";
        String at = instantOfEvent(agent, 40);
        String selected = rows("SELECT event_id, '' FROM " + fixture.prefix + ".events WHERE stream_id = ?"
                + " AND type = 'message.created' ORDER BY stream_seq OFFSET 4 LIMIT 1", agent).get(0)[0];
        String link = "#/agent/" + agent + "?at=" + URLEncoder.encode(at, StandardCharsets.UTF_8)
                + "&types=message.created&sel=" + selected;
        try (Browser other = new Browser(fixture.baseUrl())) {
            other.signIn(UiFixture.READER_KEY);
            other.open(link);
            other.await(d -> "agent".equals(other.script("return document.body.dataset.ready")));
            assertThat(other.driver.findElement(By.cssSelector("[data-test=instant]")).getAttribute("value")).isEqualTo(at);
            assertThat(other.driver.findElement(By.cssSelector("[data-test=filter-messages]")).isSelected()).isTrue();
            assertThat(other.all("[data-test=timeline] > li.selected")).singleElement()
                    .satisfies(li -> assertThat(li.getAttribute("data-event-id")).isEqualTo(selected));
            assertThat(other.all("[data-test=timeline] > li")).isNotEmpty().allSatisfy(li ->
                    assertThat(li.getAttribute("data-type")).startsWith("message."));
            assertShowsStateAt(other, agent, at);
        }
    }

    /**
     * The list of agents answers after the reader has already opened an agent (a slow answer, held here by the page's
     * fetch): the late answer must not put the list's URL back over the agent's, which a shared link would then carry.
     */
    @Test
    void shouldKeepTheUrlOfTheViewOpenedWhileTheAgentListWasStillLoading() throws Exception {
        browser.signIn(UiFixture.READER_KEY);
        browser.await(d -> browser.all("[data-test=agents] tbody tr").size() > 0);
        browser.script("""
                const real = window.fetch;
                window.agentlogHeld = new Promise(resolve => window.agentlogRelease = resolve);
                window.fetch = (url, options) => String(url).startsWith('/v1/agents?')
                    ? real(url, options).then(response => window.agentlogHeld.then(() => response))
                    : real(url, options);
                """);
        browser.go("#/agents?q=agent");
        browser.go("#/agent/" + AGENT);
        browser.await(d -> "agent".equals(browser.script("return document.body.dataset.ready")));

        browser.driver.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                window.agentlogRelease();
                // a round trip of its own ends after the held answer, whose bytes are here already, was handled
                fetch('/v1/agents?page=1', { headers: { Authorization: 'Bearer ' + sessionStorage.getItem('agentlog.key') } })
                    .then(response => response.json()).then(() => setTimeout(done, 0), () => setTimeout(done, 0));
                """);

        assertThat(browser.script("return location.hash")).as(browser.pageState()).isEqualTo("#/agent/" + AGENT);
        assertThat(browser.script("return document.body.dataset.ready")).isEqualTo("agent");
        assertThat(browser.all("[data-test=agents]")).isEmpty();
    }

    @Test
    void shouldListAndSearchTheAgents() throws Exception {
        browser.signIn(UiFixture.READER_KEY);
        browser.await(d -> browser.all("[data-test=agents] tbody tr").size() > 0);
        assertThat(browser.all("[data-test=agents] tbody tr")).extracting(tr -> tr.getAttribute("data-agent-id"))
                .containsExactly("agent-bench-0", "agent-bench-1", "agent-bench-2", "agent-bench-retired");
        browser.screenshot("agents");

        WebElement search = browser.driver.findElement(By.cssSelector("[data-test=agent-search]"));
        search.sendKeys("agent 2");
        browser.driver.findElement(By.cssSelector("[data-test=agent-search-submit]")).click();
        browser.await(d -> browser.all("[data-test=agents] tbody tr").size() == 1);
        assertThat(browser.all("[data-test=agents] tbody tr").get(0).getAttribute("data-agent-id"))
                .isEqualTo("agent-bench-2");
    }

    @Test
    void shouldListTheDeadLettersWithTheirReasonAndOriginalRecord() throws Exception {
        ConsumerRecord<byte[], byte[]> dead = fixture.probe.readAll(fixture.topics.dlq()).get(0);
        browser.signIn(UiFixture.READER_KEY);
        browser.go("#/deadletters");
        browser.await(d -> "deadletters".equals(browser.script("return document.body.dataset.ready")));

        WebElement letter = browser.all("[data-test=dead-letter]").get(0);
        assertThat(browser.all("[data-test=dead-letter]")).hasSize(1);
        assertThat(letter.getAttribute("data-reason")).isEqualTo(DeadLetterHeaders.get(dead.headers(),
                DeadLetterHeaders.REASON));
        assertThat(letter.getText()).contains(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.RULE));
        letter.findElement(By.cssSelector("[data-test=dlq-show]")).click();
        String original = letter.findElement(By.cssSelector("[data-test=dlq-original]")).getText();
        assertThat(EventCodec.JSON.readTree(original)).isEqualTo(EventCodec.JSON.readTree(dead.value()));
        browser.screenshot("deadletters");
    }

    @Test
    void shouldGiveAKeyWithoutTheReadScopeNoDataAndSaySo() throws Exception {
        browser.signIn(UiFixture.WRITER_KEY);
        WebElement message = browser.await(d -> browser.visible(By.cssSelector("[data-test=message]")));
        assertThat(message.getAttribute("data-status")).isEqualTo("403");
        assertThat(message.getText()).contains("may not read", "state:read");
        assertThat(browser.all("[data-test=agents] tbody tr")).isEmpty();

        browser.go("#/agent/" + AGENT);
        browser.await(d -> "403".equals(browser.driver.findElement(By.cssSelector("[data-test=message]"))
                .getAttribute("data-status")));
        assertThat(browser.all("[data-test=window] > li")).isEmpty();
        assertThat(browser.all("[data-test=timeline] > li")).isEmpty();

        // the page itself is open to all; its data is not
        HttpClient http = HttpClient.newHttpClient();
        assertThat(http.send(HttpRequest.newBuilder(URI.create(fixture.baseUrl() + "/ui/")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        assertThat(http.send(HttpRequest.newBuilder(URI.create(fixture.baseUrl() + "/v1/agents")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        assertThat(http.send(HttpRequest.newBuilder(URI.create(fixture.baseUrl() + "/v1/dead-letters"))
                .header("Authorization", "Bearer " + UiFixture.WRITER_KEY).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);
    }

    @Test
    void shouldAnswerEachBadParameterOfTheUisRoutesWithA400ThatNamesIt() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Map<String, String> bad = Map.of(
                "/v1/agents?page=0", "page",
                "/v1/agents?page_size=501", "page_size",
                "/v1/agents/" + AGENT + "/timeline?types=message.sent", "no event type 'message.sent'",
                "/v1/agents/" + AGENT + "/timeline?from=yesterday", "from must be an RFC 3339",
                "/v1/agents/" + AGENT + "/timeline?after=junk", "after must be the next_after",
                "/v1/agents/" + AGENT + "/timeline?limit=0", "limit",
                "/v1/agents/" + AGENT + "/timeline?from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z", "from must not be after to",
                "/v1/dead-letters?limit=many", "limit");
        for (Map.Entry<String, String> request : bad.entrySet()) {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(fixture.baseUrl() + request.getKey()))
                    .header("Authorization", "Bearer " + UiFixture.READER_KEY).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(request.getKey()).isEqualTo(400);
            assertThat(EventCodec.JSON.readTree(answer.body()).get("error").asText()).as(request.getKey())
                    .contains(request.getValue());
        }
        HttpResponse<String> missing = http.send(HttpRequest.newBuilder(URI.create(fixture.baseUrl()
                + "/v1/agents/agent-none/timeline")).header("Authorization", "Bearer " + UiFixture.READER_KEY).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(missing.statusCode()).isEqualTo(404);
    }

    // --- helpers ---

    private static void openAgent(String hash) {
        browser.go(hash);
        browser.await(d -> "agent".equals(browser.script("return document.body.dataset.ready")));
    }

    private static int moves() {
        return ((Number) browser.script("return (window.agentlogTimings || {move: []}).move.length")).intValue();
    }

    /** Until a move was drawn and no other waits or runs: what is shown is settled. */
    private static void awaitMove(int before) {
        browser.await(d -> moves() > before && browser.script("return document.body.dataset.moving") == null);
    }

    private static long micros(String instant) {
        java.time.Instant i = Timestamps.parse(instant).orElseThrow().toInstant();
        return i.getEpochSecond() * 1_000_000 + i.getNano() / 1_000;
    }

    private static String shownAt() {
        return (String) browser.script("return document.querySelector('[data-test=state-at]').dataset.at");
    }

    /** The occurred_at of the stream's event at a position, as the contract writes instants. */
    private static String instantOfEvent(String stream, int seq) throws Exception {
        try (Connection c = fixture.pool.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT occurred_at"
                + " FROM " + fixture.prefix + ".events WHERE stream_id = ? AND stream_seq = ?")) {
            ps.setString(1, stream);
            ps.setInt(2, seq);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as(stream + " #" + seq).isTrue();
                return Timestamps.format(rs.getObject(1, OffsetDateTime.class).withOffsetSameInstant(ZoneOffset.UTC));
            }
        }
    }

    private static List<String[]> rows(String sql, String param) throws Exception {
        List<String[]> out = new ArrayList<>();
        try (Connection c = fixture.pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
        }
        return out;
    }

    private static void assertShowsStateAt(String agent, String at) throws Exception {
        assertShowsStateAt(browser, agent, at);
    }

    /** The window (message ids and texts, in order) and the blocks' values shown are those of `state --at`. */
    static void assertShowsStateAt(Browser in, String agent, String at) throws Exception {
        List<String> args = new ArrayList<>(List.of("state", agent, "--at", at));
        args.addAll(fixture.pgArgs());
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode state = EventCodec.JSON.readTree(run.out());
        List<String> window = new ArrayList<>();
        for (JsonNode entry : state.get("context")) {
            JsonNode message = entry.get("message");
            StringBuilder text = new StringBuilder();
            if (message != null && !message.isNull()) {
                for (JsonNode part : message.get("content")) {
                    text.append(text.length() == 0 ? "" : " ").append(part.get("text").asText());
                }
            }
            window.add(entry.get("message_id").asText() + " | " + (message == null || message.isNull()
                    ? "(no such message at this instant)" : text));
        }
        List<String> blocks = new ArrayList<>();
        for (JsonNode block : state.get("blocks")) {
            blocks.add(block.get("block_id").asText() + " = " + block.path("value").asText(""));
        }
        assertThat(window).as("the window of " + agent + " at " + at).hasSizeGreaterThan(1);
        assertThat(in.script("return [...document.querySelectorAll('[data-test=window] > li')].map(li =>"
                + " li.dataset.messageId + ' | ' + li.querySelector('.text').textContent)")).isEqualTo(window);
        assertThat(in.script("return [...document.querySelectorAll('[data-test=blocks] > li')].map(li =>"
                + " li.dataset.blockId + ' = ' + li.querySelector('.value').textContent)")).isEqualTo(blocks);
    }
}
