package dev.agentlog.letta.mapping;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * Event ids derived from the source position, so that reading the same change again (after a restart, before
 * its position was committed) yields the same ids and the pipeline keeps one of each.
 *
 * <p>The name of a change is {@code source | LSN | table | key | op | event type}: the LSN places the change in
 * the log (a snapshot shares one LSN across rows, so the key tells its rows apart; COPY can share one LSN across
 * rows too), the event type tells apart the events of one change (agent.created and context.updated). The id is
 * the RFC 4122 name-based UUID, version 5 (SHA-1), of that name in agentlog's CDC namespace.
 */
public final class EventIds {
    /** agentlog's namespace for CDC event ids (a fixed random UUID: changing it changes every id). */
    static final UUID NAMESPACE = UUID.fromString("6c1b3f0e-5d6a-4f4e-9a55-0e8c3b1d2a77");

    private EventIds() {}

    public static String of(String source, Change change, String eventType) {
        String name = source + "|" + change.position().lsnText() + "|" + change.table() + "|" + change.key().toJson()
                + "|" + change.op().code() + "|" + eventType;
        return nameUuid(name).toString();
    }

    static UUID nameUuid(String name) {
        MessageDigest sha1;
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every Java runtime", e);
        }
        ByteBuffer namespace = ByteBuffer.allocate(16);
        namespace.putLong(NAMESPACE.getMostSignificantBits()).putLong(NAMESPACE.getLeastSignificantBits());
        sha1.update(namespace.array());
        byte[] hash = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
        hash[6] = (byte) ((hash[6] & 0x0f) | 0x50); // version 5
        hash[8] = (byte) ((hash[8] & 0x3f) | 0x80); // IETF variant
        ByteBuffer bytes = ByteBuffer.wrap(hash, 0, 16);
        return new UUID(bytes.getLong(), bytes.getLong());
    }
}
