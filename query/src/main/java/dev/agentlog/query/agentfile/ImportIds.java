package dev.agentlog.query.agentfile;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * The ids an imported agent file's objects get. A file's own ids ({@code agent-0}, {@code message-12}) name objects
 * only within the file (Letta's importer gives every object a new id too); agentlog derives each new id as Letta's id
 * shape {@code <kind>-<name-based UUID>} of a seed and the file id: the SHA-256 of the file's bytes (the same file
 * imported twice names the same agent), or with {@code --as} the new agent id (its one agent takes that id). Event ids
 * are derived from the file's digest as well: resending the same import changes nothing, and another file imported as
 * the same agent has other event ids, so that it can be told from a resent one and refused. Pure.
 */
public final class ImportIds {
    private final String seed;
    /** The file's digest: event ids depend on the content too, so that another file is never taken for this one. */
    private final String digest;
    private final String newAgentId;

    private ImportIds(String seed, String digest, String newAgentId) {
        this.seed = seed;
        this.digest = digest;
        this.newAgentId = newAgentId;
    }

    /** New ids derived from the file's content. */
    public static ImportIds ofFile(byte[] fileBytes) {
        String digest = digest(fileBytes);
        return new ImportIds(digest, digest, null);
    }

    /** The file's one agent becomes {@code newAgentId}; every other id is derived from it. */
    public static ImportIds asAgent(String newAgentId, byte[] fileBytes) {
        if (newAgentId == null || newAgentId.isBlank() || newAgentId.length() > 256) {
            throw new IllegalArgumentException("--as must be an agent id of 1..256 characters, was '" + newAgentId + "'");
        }
        return new ImportIds("as:" + newAgentId, digest(fileBytes), newAgentId);
    }

    private static String digest(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** The id given with --as, or null. */
    public String newAgentId() {
        return newAgentId;
    }

    public String agent(String fileId) {
        return newAgentId != null ? newAgentId : derive("agent", fileId);
    }

    /** A new id of Letta's shape for the object of that kind ({@code message}, {@code block}, ...) and file id. */
    public String derive(String kind, String fileId) {
        return kind + "-" + uuid(kind, fileId);
    }

    public String eventId(int index) {
        return uuid("event", digest + "\n" + index).toString();
    }

    private UUID uuid(String kind, String fileId) {
        return UUID.nameUUIDFromBytes(("agentlog-agent-file\n" + seed + "\n" + kind + "\n" + fileId)
                .getBytes(StandardCharsets.UTF_8));
    }
}
