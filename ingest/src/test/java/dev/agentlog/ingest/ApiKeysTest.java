package dev.agentlog.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    @Test
    void shouldGiveKeysInClearEveryScopeButAdmin() {
        ApiKey key = ApiKeys.parse("ci:k1-secret").authenticate("k1-secret").orElseThrow();

        assertThat(key.scopes()).containsExactlyInAnyOrder(Scope.EVENTS_WRITE, Scope.STATE_READ, Scope.METRICS_READ);
        assertThat(key.allows(Scope.ADMIN)).isFalse();
        assertThat(key.tenant()).isNull();
    }

    @Test
    void shouldReadAKeyFileOfHashesWithScopesTenantsAndComments() {
        String file = "# agentlog keys\n\n"
                + "ci\tevents:write " + ApiKeys.hash("ci-secret") + "\r\n"
                + "acme  events:write,state:read  " + ApiKeys.hash("acme-secret") + "  tenant=acme   # a tenant\n"
                + "ops admin " + ApiKeys.hash("ops-secret").toUpperCase().replace("SHA256:", "sha256:") + "\n";

        ApiKeys keys = ApiKeys.parseKeyFile(file, "keys.txt");

        assertThat(keys.authenticate("ci-secret")).contains(new ApiKey("ci", Set.of(Scope.EVENTS_WRITE), null));
        assertThat(keys.authenticate("acme-secret"))
                .contains(new ApiKey("acme", Set.of(Scope.EVENTS_WRITE, Scope.STATE_READ), "acme"));
        assertThat(keys.authenticate("ops-secret").orElseThrow().allows(Scope.METRICS_READ)).isTrue();
        assertThat(keys.authenticate(ApiKeys.hash("ci-secret"))).as("the hash is not a key").isEmpty();
        assertThat(keys.summary()).isEqualTo("ci (events:write), acme (events:write,state:read, tenant acme), ops (admin)");
    }

    @Test
    void shouldRefuseEveryBadLineAtOnceWithoutShowingWhatLooksLikeAKey() {
        String file = String.join("\n",
                "ci events:write al_this-is-a-key-in-clear",
                "bad events:rite " + ApiKeys.hash("a"),
                "two fields",
                "x events:write " + ApiKeys.hash("b") + " owner=acme",
                "y events:write " + ApiKeys.hash("b"),
                "y state:read " + ApiKeys.hash("c"),
                "bad name admin " + ApiKeys.hash("d"));

        assertThatThrownBy(() -> ApiKeys.parseKeyFile(file, "/run/secrets/keys"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--api-keys-file /run/secrets/keys: line 1: the third field must be the key's hash")
                .hasMessageContaining("line 2: unknown scope 'events:rite' (the scopes are events:write, state:read, "
                        + "metrics:read, admin)")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("has no scope"))
                .hasMessageContaining("line 3: expected 'name scopes sha256:<hex> [tenant=<id>]', found 2 fields")
                .hasMessageContaining("line 4: the fourth field must be tenant=<id>")
                .hasMessageContaining("line 6: the name 'y' is used twice")
                .hasMessageContaining("line 7: the third field must be the key's hash")
                .message().doesNotContain("al_this-is-a-key-in-clear");
    }

    @Test
    void shouldRefuseTheSameKeyOnTwoLines() {
        assertThatThrownBy(() -> ApiKeys.parseKeyFile("a admin " + ApiKeys.hash("k") + "\nb admin " + ApiKeys.hash("k"), "f"))
                .hasMessageContaining("line 2: the same key as another line");
    }

    @Test
    void shouldNameTheFileItCannotRead(@TempDir Path dir) {
        assertThatThrownBy(() -> ApiKeys.loadKeyFile(dir.resolve("missing")))
                .hasMessageStartingWith("--api-keys-file: cannot read " + dir.resolve("missing"));
    }

    @Test
    void shouldJoinKeysInClearAndFromAFileButNotTheSameNameOrKeyTwice() {
        ApiKeys file = ApiKeys.parseKeyFile("ops admin " + ApiKeys.hash("ops-secret"), "f");

        assertThat(ApiKeys.parse("ci:ci-secret").and(file).names()).containsExactly("ci", "ops");
        assertThatThrownBy(() -> ApiKeys.parse("ops:other").and(file))
                .hasMessageContaining("the key name 'ops' is in both --api-keys and --api-keys-file");
        assertThatThrownBy(() -> ApiKeys.parse("ci:ops-secret").and(file))
                .hasMessageContaining("the key named 'ops' is also given under another name");
    }

    @Test
    void shouldMakeLongRandomKeysAndTheirKeyFileLines() {
        String key = ApiKeys.newKey();
        ApiKey described = new ApiKey("ci", Set.of(Scope.EVENTS_WRITE, Scope.METRICS_READ), "acme");

        String line = ApiKeys.keyFileLine(described, key);

        assertThat(key).startsWith("al_").hasSize(46).isNotEqualTo(ApiKeys.newKey());
        assertThat(line).matches("ci events:write,metrics:read sha256:[0-9a-f]{64} tenant=acme").doesNotContain(key);
        assertThat(ApiKeys.parseKeyFile(line, "f").authenticate(key)).contains(described);
    }
}
