package dev.agentlog.query;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LineDiffTest {
    @Test
    void shouldShowAnAppendedLineWithItsContext() {
        assertThat(LineDiff.unified("Name: Ada", "Name: Ada\nLikes tea.", "version 1", "version 2"))
                .isEqualTo("--- version 1\n+++ version 2\n@@ -1 +1,2 @@\n Name: Ada\n+Likes tea.\n");
    }

    @Test
    void shouldShowAChangedLineAsRemovedThenAdded() {
        assertThat(LineDiff.unified("a\nb\nc", "a\nB\nc", "old", "new"))
                .isEqualTo("--- old\n+++ new\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n");
    }

    @Test
    void shouldSplitFarApartChangesIntoHunksWithThreeLinesOfContext() {
        String old = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12";
        String changed = "one\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\ntwelve";

        assertThat(LineDiff.unified(old, changed, "a", "b")).isEqualTo("--- a\n+++ b\n"
                + "@@ -1,4 +1,4 @@\n-1\n+one\n 2\n 3\n 4\n"
                + "@@ -9,4 +9,4 @@\n 9\n 10\n 11\n-12\n+twelve\n");
    }

    @Test
    void shouldDiffFromNothingForANewBlock() {
        assertThat(LineDiff.unified(null, "I am Sam.", "(no value)", "version 1"))
                .isEqualTo("--- (no value)\n+++ version 1\n@@ -0,0 +1 @@\n+I am Sam.\n");
    }

    @Test
    void shouldBeEmptyWhenNothingChanged() {
        assertThat(LineDiff.unified("same\ntext", "same\ntext", "a", "b")).isEmpty();
    }
}
