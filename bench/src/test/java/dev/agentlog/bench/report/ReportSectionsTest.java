package dev.agentlog.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportSectionsTest {
    private static final String REPORT = "# Benchmarks\n\n## Latency\n\nfigures\n\n## Method\n\n- how\n";

    private static String section(String body) {
        return ReportSections.INGEST_BEGIN + "\n## Ingest\n\n" + body + "\n" + ReportSections.INGEST_END;
    }

    @Test
    void shouldPutANewSectionBeforeTheMethod() {
        String doc = ReportSections.withSection(REPORT, section("first"));

        assertThat(doc).startsWith("# Benchmarks\n\n## Latency\n\nfigures\n\n" + ReportSections.INGEST_BEGIN)
                .endsWith(ReportSections.INGEST_END + "\n\n## Method\n\n- how\n");
    }

    @Test
    void shouldReplaceTheSectionWhereItIs() {
        String once = ReportSections.withSection(REPORT, section("first"));
        String twice = ReportSections.withSection(once, section("second"));

        assertThat(twice).isEqualTo(once.replace("first", "second"));
        assertThat(ReportSections.section(twice)).isEqualTo(section("second"));
    }

    @Test
    void shouldAppendToADocumentWithoutAMethod() {
        assertThat(ReportSections.withSection("# Other\n", section("x"))).isEqualTo("# Other\n\n" + section("x") + "\n");
        assertThat(ReportSections.withSection("", section("x"))).isEqualTo(section("x") + "\n");
    }

    @Test
    void shouldKeepTheSectionWhenTheWholeReportIsRewritten(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("benchmarks.md");
        ReportSections.writeInto(file, section("kept"));
        String fresh = REPORT.replace("figures", "new figures");

        String rewritten = ReportSections.keepingSectionOf(file, fresh);

        assertThat(rewritten).contains("new figures", section("kept"));
        assertThat(rewritten.indexOf(section("kept"))).isLessThan(rewritten.indexOf("## Method"));
    }

    @Test
    void shouldKeepEveryNamedSectionInItsOrder(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("benchmarks.md");
        String byHand = ReportSections.begin("hand (a change, before and after)") + "\n## Before and after\n\nold 1, new 2\n"
                + ReportSections.end("hand (a change, before and after)");
        ReportSections.writeInto(file, section("kept"));
        ReportSections.writeInto(file, byHand);

        String rewritten = ReportSections.keepingSectionOf(file, REPORT.replace("figures", "new figures"));

        assertThat(rewritten).contains("new figures", section("kept"), byHand);
        assertThat(rewritten.indexOf(section("kept"))).isLessThan(rewritten.indexOf(byHand));
        assertThat(rewritten.indexOf(byHand)).isLessThan(rewritten.indexOf("## Method"));
        assertThat(ReportSections.sections(rewritten)).containsOnlyKeys(ReportSections.INGEST, "hand (a change, before and after)");
    }

    @Test
    void shouldLeaveAFreshReportAsItIsWhenThereIsNothingToKeep(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("benchmarks.md");
        assertThat(ReportSections.keepingSectionOf(file, REPORT)).isEqualTo(REPORT);
        Files.writeString(file, "# old report without the section\n");
        assertThat(ReportSections.keepingSectionOf(file, REPORT)).isEqualTo(REPORT);
    }
}
