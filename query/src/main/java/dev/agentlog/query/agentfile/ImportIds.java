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
 * imported twice names the same agent, which is then refused as existing), or with {@code --as} the new agent id (its
 * one agent takes that id). Event ids are derived the same way, so resending the same import changes nothing. Pure.
 */
public final class ImportIds {
    private final String seed;
    private final String newAgentId;

    private ImportIds(String seed, String newAgentId) {
        this.seed = seed;
        this.newAgentId = newAgentId;
    }

    /** New ids derived from the file's content. */
    public static ImportIds ofFile(byte[] fileBytes) {
        try {
            return new ImportIds("sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(fileBytes)), null);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** The file's one agent becomes {@code newAgentId}; every other id is derived from it. */
    public static ImportIds asAgent(String newAgentId) {
        if (newAgentId == null || newAgentId.isBlank() || newAgentId.length() > 256) {
            throw new IllegalArgumentException("--as must be an agent id of 1..256 characters, was '" + newAgentId + "'");
        }
        return new ImportIds("as:" + newAgentId, newAgentId);
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
        return uuid("event", Integer.toString(index)).toString();
    }

    private UUID uuid(String kind, String fileId) {
        return UUID.nameUUIDFromBytes(("agentlog-agent-file\n" + seed + "\n" + kind + "\n" + fileId)
                .getBytes(StandardCharsets.UTF_8));
    }
}
