package dev.agentlog.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiKeysTest {
    @Test
    void shouldNameEachKeyAndCallABareKeyDefault() {
        ApiKeys keys = ApiKeys.parse(" ci:k1-secret , bare-secret ");

        assertThat(keys.nameOf("k1-secret")).contains("ci");
        assertThat(keys.nameOf("bare-secret")).contains(ApiKeys.DEFAULT_NAME);
        assertThat(keys.names()).containsExactly("ci", "default");
    }

    @Test
    void shouldKeepColonsInAKeyThatHasAName() {
        assertThat(ApiKeys.parse("ci:a:b:c").nameOf("a:b:c")).contains("ci");
    }

    @Test
    void shouldKnowNoNameForAWrongOrEmptyKey() {
        ApiKeys keys = ApiKeys.parse("ci:k1-secret");

        assertThat(keys.nameOf("k1-secreT")).isEmpty();
        assertThat(keys.nameOf("k1-secret-longer")).isEmpty();
        assertThat(keys.nameOf("")).isEmpty();
        assertThat(keys.nameOf(null)).isEmpty();
    }

    @Test
    void shouldParseNothingAsNoKeys() {
        assertThat(ApiKeys.parse(null).isEmpty()).isTrue();
        assertThat(ApiKeys.parse("  ").isEmpty()).isTrue();
    }

    @Test
    void shouldNeverShowAKeyInToString() {
        ApiKeys keys = ApiKeys.parse("ci:k1-secret,k2-secret");

        assertThat(keys.toString()).isEqualTo("ApiKeys[ci=****, default=****]").doesNotContain("secret");
    }

    @Test
    void shouldRefuseEveryBadEntryAtOnceWithoutShowingAKey() {
        assertThatThrownBy(() -> ApiKeys.parse("a:,,bare-1,bare-2-secret"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--api-keys: ")
                .hasMessageContaining("entry 1 has no key")
                .hasMessageContaining("entry 2 has no key")
                .hasMessageContaining("the name 'default' is used twice")
                .message().doesNotContain("bare-2-secret");
    }

    @Test
    void shouldRefuseABadNameAndTheSameKeyTwice() {
        assertThatThrownBy(() -> ApiKeys.parse("bad name:k1,x:k2,y:k2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("key name 'bad name' must be 1..64 of [A-Za-z0-9._-]")
                .hasMessageContaining("the key named 'y' is the same as another one")
                .message().doesNotContain("k2");
    }

    @Test
    void shouldBuildFromAMap() {
        assertThat(ApiKeys.of(Map.of("ci", "s3cret")).nameOf("s3cret")).contains("ci");
    }
}
