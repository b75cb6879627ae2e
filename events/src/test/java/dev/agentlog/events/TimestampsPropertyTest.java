package dev.agentlog.events;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The hand-written parser of the common form must agree with ISO_OFFSET_DATE_TIME on every text. */
class TimestampsPropertyTest {

    @Property(tries = 3000)
    void shouldAgreeWithTheIsoParser(@ForAll("nearlyRfc3339") String text) {
        assertThat(Timestamps.parse(text)).as(text).isEqualTo(Timestamps.parseIso(text));
    }

    @Test
    void shouldTakeTheFastPathForTheFormsProducersWrite() {
        assertThat(Timestamps.parseCommonForm("2026-11-24T10:00:00.123456789+01:00"))
                .isEqualTo(Timestamps.parseIso("2026-11-24T10:00:00.123456+01:00").orElseThrow());
        assertThat(Timestamps.parseCommonForm("2026-11-24T10:00:00Z")).isNotNull();
        assertThat(Timestamps.parseCommonForm("2026-02-30T10:00:00Z")).isNull();
        assertThat(Timestamps.parse("2026-02-30T10:00:00Z")).isEmpty();
    }

    /** Well-formed texts, with a field out of range or one character changed now and then. */
    @Provide
    Arbitrary<String> nearlyRfc3339() {
        Arbitrary<String> fraction = Arbitraries.oneOf(Arbitraries.just(""),
                Arbitraries.strings().numeric().ofMinLength(0).ofMaxLength(11).map(d -> "." + d));
        Arbitrary<String> offset = Arbitraries.oneOf(Arbitraries.of("Z", "z", "+00:00", "-00:00", "+18:00", "+18:30",
                        "-19:00", "+05:30:15", "+0530", ""),
                Combinators.combine(Arbitraries.of("+", "-"), Arbitraries.integers().between(0, 19),
                        Arbitraries.integers().between(0, 61)).as((sign, h, m) -> String.format("%s%02d:%02d", sign, h, m)));
        Arbitrary<String> wellFormed = Combinators.combine(
                Arbitraries.integers().between(0, 9999), Arbitraries.integers().between(0, 13),
                Arbitraries.integers().between(0, 32), Arbitraries.integers().between(0, 24),
                Arbitraries.integers().between(0, 60), Arbitraries.integers().between(0, 61),
                fraction, offset)
                .as((y, mo, d, h, mi, s, f, o) -> String.format("%04d-%02d-%02dT%02d:%02d:%02d%s%s", y, mo, d, h, mi, s, f, o));
        return Combinators.combine(wellFormed, Arbitraries.integers().between(-1, 40),
                        Arbitraries.of('x', '-', ':', 'T', '.', '1', ' '))
                .as((text, at, c) -> at < 0 || at >= text.length() ? text
                        : text.substring(0, at) + c + text.substring(at + 1));
    }
}
