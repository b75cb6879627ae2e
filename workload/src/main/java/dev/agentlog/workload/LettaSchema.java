package dev.agentlog.workload;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Letta's final server schema (0.16.8, alembic head 1c28e167b74f): every table of its ORM, as the catalog of a
 * database built by Letta's migrations has it, without pgvector (embeddings as {@code real[]}). The one copy the
 * capture tests, the restore tests and the bench's change-data-capture run create their source database from; how
 * Letta writes each table is in the file's comments and in {@code ../shared/letta/README.md}.
 */
public final class LettaSchema {
    private static final String RESOURCE = "letta-schema.sql";

    private LettaSchema() {}

    /** The DDL, one script (statements separated by semicolons, as PostgreSQL's simple query protocol takes it). */
    public static String ddl() {
        try (InputStream in = LettaSchema.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing beside " + LettaSchema.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
