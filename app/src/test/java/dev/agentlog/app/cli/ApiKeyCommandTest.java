package dev.agentlog.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.ingest.ApiKey;
import dev.agentlog.ingest.ApiKeys;
import dev.agentlog.ingest.Scope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `agentlog api-key` and the HTTP options' checks that stop start-up (exit 2) before anything runs. */
class ApiKeyCommandTest {
    @Test
    void shouldPrintANewKeyAndAKeyFileLineThatHoldsOnlyItsHash() {
        CliTest.Run run = CliTest.run(Map.of(), "api-key", "ci", "--scopes", "events:write,state:read", "--tenant", "acme");

        assertThat(run.exitCode()).isZero();
        String[] lines = run.out().split("\n");
        String key = lines[1];
        String line = lines[3];
        assertThat(key).startsWith("al_");
        assertThat(line).startsWith("ci events:write,state:read sha256:").endsWith(" tenant=acme").doesNotContain(key);
        assertThat(ApiKeys.parseKeyFile(line, "printed").authenticate(key))
                .contains(new ApiKey("ci", Set.of(Scope.EVENTS_WRITE, Scope.STATE_READ), "acme"));
    }

    @Test
    void shouldRefuseAnUnknownScope() {
        CliTest.Run run = CliTest.run(Map.of(), "api-key", "ci", "--scopes", "everything");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("--scopes: unknown scope 'everything'");
    }

    @Test
    void shouldStopIngestWithoutAnyKey() {
        CliTest.Run run = CliTest.run(Map.of(), "ingest", "--bootstrap-servers", "127.0.0.1:1");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("--api-keys or --api-keys-file is required");
    }

    @Test
    void shouldStopIngestOnABadKeyFileNamingTheLineAndNeverTheKey(@TempDir Path dir) throws Exception {
        Path keys = dir.resolve("keys");
        Files.writeString(keys, "ci events:write al_secret-in-clear-by-mistake\n");

        CliTest.Run run = CliTest.run(Map.of("AGENTLOG_API_KEYS_FILE", keys.toString()), "ingest",
                "--bootstrap-servers", "127.0.0.1:1");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("--api-keys-file " + keys + ": line 1: the third field must be the key's hash")
                .doesNotContain("al_secret-in-clear-by-mistake");
    }

    @Test
    void shouldStopIngestOnHalfATlsSetupOrAMissingFile(@TempDir Path dir) {
        CliTest.Run half = CliTest.run(Map.of(), "ingest", "--bootstrap-servers", "127.0.0.1:1", "--api-keys", "a:b",
                "--tls-key-file", dir.resolve("key.pem").toString());
        CliTest.Run missing = CliTest.run(Map.of(), "ingest", "--bootstrap-servers", "127.0.0.1:1", "--api-keys", "a:b",
                "--tls-cert-file", dir.resolve("cert.pem").toString(), "--tls-key-file", dir.resolve("key.pem").toString());

        assertThat(half.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(half.err()).contains("--tls-cert-file and --tls-key-file go together");
        assertThat(missing.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.err()).contains("--tls-cert-file: " + dir.resolve("cert.pem") + " is not a file");
    }
}
