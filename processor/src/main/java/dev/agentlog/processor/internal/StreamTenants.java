package dev.agentlog.processor.internal;

import java.util.Objects;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Which tenant owns each stream: the tenant of its first event of record (the first to pass), kept in the
 * store {@value StoreNames#STREAM_TENANTS} (changelogged: it survives restarts and rebalances like the stream
 * positions it sits beside). Values: the tenant; {@value #NO_TENANT_VALUE} (empty) for a stream owned by no
 * tenant; {@value #UNCLAIMED_VALUE} for a stream whose positions were used up by a gap given up before any
 * event passed (so that it is not taken for a stream of before tenants; neither value is a legal tenant).
 *
 * <p>Streams whose first event passed before this store existed have a position and no entry here: they are
 * owned by no tenant, and only events without a tenant may join them. That keeps a tenant from claiming
 * another's old streams; the entry is written the first time such a stream takes an event again.
 */
final class StreamTenants {
    static final String NO_TENANT_VALUE = "";
    static final String UNCLAIMED_VALUE = "?";

    private final KeyValueStore<String, String> store;

    StreamTenants(KeyValueStore<String, String> store) {
        this.store = store;
    }

    /**
     * The owner of a stream whose last used position is {@code lastPosition}; null while no event has passed
     * on it (the next event to pass claims it, whatever its tenant).
     */
    Owner ownerOf(String streamId, long lastPosition) {
        String stored = store.get(streamId);
        if (stored == null) {
            return lastPosition > 0 ? Owner.NONE_FROM_BEFORE_TENANTS : null;
        }
        if (stored.equals(UNCLAIMED_VALUE)) {
            return null;
        }
        return stored.equals(NO_TENANT_VALUE) ? Owner.NONE : new Owner(stored, true);
    }

    /** Whether the event passing on a stream of this owner ({@link #ownerOf}) is to {@link #claim} it. */
    static boolean claimedByNextToPass(Owner owner) {
        return owner == null || !owner.recorded();
    }

    /**
     * Records the owner of a stream its first event of record claims; also writes the entry of a stream of
     * before tenants (claimed by an event without one) so that it no longer depends on the positions.
     */
    void claim(String streamId, String tenant) {
        store.put(streamId, tenant == null ? NO_TENANT_VALUE : tenant);
    }

    /** A gap given up on a stream where nothing passed yet: its positions are used, its owner still open. */
    void keepUnclaimed(String streamId) {
        store.put(streamId, UNCLAIMED_VALUE);
    }

    /**
     * A stream's owner: a tenant, or no tenant ({@link #NONE}).
     *
     * @param recorded false for a stream from before tenants, known only by its position
     */
    record Owner(String tenant, boolean recorded) {
        static final Owner NONE = new Owner(null, true);
        static final Owner NONE_FROM_BEFORE_TENANTS = new Owner(null, false);

        boolean admits(String eventTenant) {
            return Objects.equals(tenant, eventTenant);
        }

        /** For a dead-letter rule: {@code tenant 'acme'} or {@code no tenant}. */
        String describe() {
            return describe(tenant);
        }

        static String describe(String tenant) {
            return tenant == null ? "no tenant" : "tenant '" + tenant + "'";
        }
    }
}
