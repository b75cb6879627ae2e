package dev.agentlog.app.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.app.e2e.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * Item 6 of issue 17, measured (docs/ui.md has the figures; nothing here is a threshold): a browser opens an agent of
 * 20,000 messages and 2,000 block versions (its timeline's first page and its state now, fetched and drawn), then the
 * slider moves 30 times (the state at the new instant fetched and the changed entries redrawn). The UI's own
 * performance.now() figures ({@code window.agentlogTimings}) are printed. Not part of the suite (its name is no
 * test's): {@code mvn -B -pl app -am verify -Dtest=WebUiSpeedMeasurement -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class WebUiSpeedMeasurement {
    static final String AGENT = "agent-big";
    static final String BLOCK = "block-big-persona";
    static final int MESSAGES = 20_000;
    static final int BLOCK_VERSIONS = 2_000;

    @Test
    void measureOpeningALargeAgentAndMovingTheSlider() throws Exception {
        Assumptions.assumeTrue(Browser.available(), "no headless Chromium here (chromium, chromium-driver)");
        try (UiFixture fixture = new UiFixture("webuibig")) {
            List<Map.Entry<String, byte[]>> log = largeAgent();
            long loading = System.nanoTime();
            fixture.produce(fixture.topics.events(), log);
            Await.until("the large agent in PostgreSQL", Duration.ofSeconds(900), () -> fixture.probe.count("events"),
                    n -> n == log.size());
            System.out.printf(Locale.ROOT, "loaded %d events in %.1f s%n", log.size(), (System.nanoTime() - loading) / 1e9);
            try (Browser browser = new Browser(fixture.baseUrl())) {
                browser.signIn(UiFixture.READER_KEY);
                List<Double> opens = new ArrayList<>();
                for (int i = 0; i < 5; i++) { // the first opening also warms the server's JIT and PostgreSQL's cache
                    browser.go("#/agents");
                    browser.await(d -> !browser.all("[data-test=agents] tbody tr").isEmpty());
                    int opened = ((Number) browser.script("return (window.agentlogTimings || {open: []}).open.length"))
                            .intValue();
                    browser.go("#/agent/" + AGENT);
                    browser.await(d -> ((Number) browser.script("return (window.agentlogTimings || {open: []})"
                            + ".open.length")).intValue() > opened);
                    opens.add(((Number) browser.script("const t = window.agentlogTimings.open;"
                            + " return t[t.length - 1].ms")).doubleValue());
                }
                WebElement slider = browser.driver.findElement(By.cssSelector("[data-test=slider]"));
                slider.sendKeys(Keys.HOME);
                awaitSettled(browser, 0);
                List<Double> moves = new ArrayList<>();
                List<Long> drawn = new ArrayList<>();
                for (int i = 0; i < 30; i++) {
                    int before = count(browser);
                    slider.sendKeys(Keys.PAGE_UP); // a tenth of the range at a time: each move is a new instant
                    awaitSettled(browser, before);
                    moves.add(((Number) browser.script("const t = window.agentlogTimings.move; return t[t.length - 1].ms"))
                            .doubleValue());
                    drawn.add(((Number) browser.script("const t = window.agentlogTimings.move;"
                            + " return t[t.length - 1].drawn")).longValue());
                    if (i % 10 == 9) { // at the end of the range: back to its start
                        slider.sendKeys(Keys.HOME);
                        awaitSettled(browser, count(browser) - 1);
                    }
                }
                // small steps (a thousandth of the range, about 29 events): the window changes by a turn or so
                List<Double> steps = new ArrayList<>();
                List<Long> stepDrawn = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    int before = count(browser);
                    slider.sendKeys(Keys.ARROW_RIGHT);
                    awaitSettled(browser, before);
                    steps.add(((Number) browser.script("const t = window.agentlogTimings.move; return t[t.length - 1].ms"))
                            .doubleValue());
                    stepDrawn.add(((Number) browser.script("const t = window.agentlogTimings.move;"
                            + " return t[t.length - 1].drawn")).longValue());
                }
                System.out.println("small step ms: " + steps);
                System.out.println("entries drawn anew per small step: " + stepDrawn);
                System.out.printf(Locale.ROOT, "small step: median %.0f ms, max %.0f ms%n", median(steps),
                        steps.stream().mapToDouble(Double::doubleValue).max().orElse(0));
                System.out.println("open ms: " + opens);
                System.out.println("move ms: " + moves);
                System.out.println("entries drawn anew per move: " + drawn);
                System.out.printf(Locale.ROOT, "open: median %.0f ms (first %.0f); move: median %.0f ms, max %.0f ms%n",
                        median(opens.subList(1, opens.size())), opens.get(0), median(moves), moves.stream()
                                .mapToDouble(Double::doubleValue).max().orElse(0));
                assertThat(moves).hasSize(30);
            }
        }
    }

    private static int count(Browser browser) {
        return ((Number) browser.script("return window.agentlogTimings.move.length")).intValue();
    }

    private static void awaitSettled(Browser browser, int before) {
        try {
            browser.await(d -> count(browser) > before && browser.script("return document.body.dataset.moving") == null);
        } catch (RuntimeException e) {
            throw new IllegalStateException("no settled move: " + browser.script("return JSON.stringify({hash: location.hash,"
                    + " moving: document.body.dataset.moving, message: document.querySelector('[data-test=message]')"
                    + ".textContent, slider: document.querySelector('[data-test=slider]').value, timings:"
                    + " window.agentlogTimings})"), e);
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    /**
     * One agent's log of record: turns of user, assistant and tool messages (300 characters each) with the window
     * after each turn (compacted by a summary past 24 messages), a persona edit every nine messages (up to 2,000 versions), a passage now and
     * then; 20,000 messages and 2,000 block versions in all.
     */
    static List<Map.Entry<String, byte[]>> largeAgent() {
        Random random = new Random(6);
        Log log = new Log();
        log.add(AGENT, "agent.created", "{\"name\":\"big agent\",\"agent_type\":\"memgpt_v2_agent\",\"system\":\"sys\"}");
        log.add(BLOCK, "block.created", "{\"label\":\"persona\",\"value\":\"I am v1\",\"limit\":5000}");
        log.add(AGENT, "block.attached", "{\"block_id\":\"" + BLOCK + "\",\"label\":\"persona\"}");
        log.add("archive-big", "archive.created", "{\"name\":\"big archive\"}");
        log.add(AGENT, "archive.attached", "{\"archive_id\":\"archive-big\"}");
        List<String> window = new ArrayList<>(List.of("message-big-system"));
        log.add(AGENT, "message.created", "{\"message_id\":\"message-big-system\",\"role\":\"system\",\"content\":"
                + "[{\"type\":\"text\",\"text\":\"You are big.\"}]}");
        int messages = 1;
        int versions = 1;
        int turn = 0;
        while (messages < MESSAGES) {
            for (String role : new String[] {"user", "assistant", "tool"}) {
                if (messages == MESSAGES) {
                    break;
                }
                String id = "message-big-" + turn + "-" + role;
                log.add(AGENT, "message.created", "{\"message_id\":\"" + id + "\",\"role\":\"" + role
                        + "\",\"content\":[{\"type\":\"text\",\"text\":\"" + text(random, 300) + "\"}]}");
                window.add(id);
                messages++;
                if (messages % 9 == 0 && versions < BLOCK_VERSIONS) {
                    versions++;
                    log.add(BLOCK, "block.updated", "{\"value\":\"I am v" + versions + "\\n" + text(random, 80)
                            + "\",\"version\":" + versions + "}", AGENT);
                }
            }
            if (window.size() > 24 && messages < MESSAGES) {
                String summary = "message-big-" + turn + "-summary";
                log.add(AGENT, "message.created", "{\"message_id\":\"" + summary + "\",\"role\":\"summary\",\"content\":"
                        + "[{\"type\":\"text\",\"text\":\"summary to turn " + turn + "\"}]}");
                messages++;
                List<String> kept = new ArrayList<>(List.of(window.get(0), summary));
                kept.addAll(window.subList(window.size() - 6, window.size()));
                window = kept;
            }
            log.add(AGENT, "context.updated", "{\"message_ids\":[\"" + String.join("\",\"", window) + "\"]}");
            if (turn % 20 == 0) {
                log.add("archive-big", "passage.inserted", "{\"passage_id\":\"passage-big-" + turn + "\",\"text\":\""
                        + text(random, 120) + "\"}");
            }
            turn++;
        }
        assertThat(versions).isEqualTo(BLOCK_VERSIONS);
        return log.records;
    }

    private static String text(Random random, int length) {
        StringBuilder b = new StringBuilder(length + 1);
        while (b.length() < length) {
            b.append((char) ('a' + random.nextInt(26)));
            if (random.nextInt(6) == 0) {
                b.append(' ');
            }
        }
        return b.toString();
    }

    /** Events as the processor writes them: each with its stream position, 5 ms apart. */
    private static final class Log {
        private static final Instant START = Instant.parse("2026-11-20T00:00:00Z");
        final List<Map.Entry<String, byte[]>> records = new ArrayList<>();
        private final Map<String, Long> seqs = new java.util.HashMap<>();

        void add(String stream, String type, String payload) {
            add(stream, type, payload, null);
        }

        void add(String stream, String type, String payload, String agent) {
            long seq = seqs.merge(stream, 1L, Long::sum);
            Instant at = START.plus(records.size() * 5L, ChronoUnit.MILLIS);
            int version = dev.agentlog.events.EventType.fromWireName(type).orElseThrow().currentVersion();
            String json = "{\"event_id\":\"" + new java.util.UUID(7, records.size()) + "\",\"type\":\"" + type
                    + "\",\"schema_version\":" + version + ",\"stream_id\":\"" + stream + "\",\"stream_seq\":" + seq
                    + (agent == null ? "" : ",\"agent_id\":\"" + agent + "\"") + ",\"occurred_at\":\"" + at
                    + "\",\"source\":\"measurement\",\"payload\":" + payload + "}";
            records.add(Map.entry(stream, json.getBytes(StandardCharsets.UTF_8)));
        }
    }
}
