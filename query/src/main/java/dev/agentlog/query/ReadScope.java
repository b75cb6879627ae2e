package dev.agentlog.query;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.function.Function;

/**
 * Whose data a read may show: every tenant's (a reader without a tenant: the CLI, an API key without one), or
 * one tenant's. A tenant sees only streams it owns; another tenant's agent, block or archive reads as absent,
 * exactly like one that does not exist, so that ids of other tenants cannot be probed.
 *
 * <p>Who owns a stream is the tenant of its first event (contract section 7), read from the audit table
 * {@code events} (one index lookup: {@code (stream_id, stream_seq)}); the processor keeps every later event of
 * the stream to the same tenant, and the sink stamps it on the stream's {@code agents}, {@code blocks} and
 * {@code archives} row. A stream without a tenant belongs to no tenant: a tenant never sees it.
 */
final class ReadScope {
    private static final ReadScope EVERY_TENANT = new ReadScope(null);

    /** Null: every tenant. */
    private final String tenant;

    private ReadScope(String tenant) {
        this.tenant = tenant;
    }

    /** The scope of a reader of {@code tenant}; {@code null}: a reader without a tenant sees every tenant's. */
    static ReadScope of(String tenant) {
        return tenant == null ? EVERY_TENANT : new ReadScope(tenant);
    }

    boolean everyTenant() {
        return tenant == null;
    }

    /** The tenant, null for every tenant. */
    String tenant() {
        return tenant;
    }

    /** Whether the stream's first event in {@code events} is of this scope's tenant (false when it has none). */
    boolean mayRead(Connection c, TableQueries q, String streamId) throws SQLException {
        if (tenant == null) {
            return true;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT tenant FROM " + q.table("events")
                + " WHERE stream_id = ? ORDER BY stream_seq LIMIT 1")) {
            ps.setString(1, streamId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && tenant.equals(rs.getString(1));
            }
        }
    }

    /** The row when this scope may see it (its {@code tenant} column is this scope's), else null. */
    <R> R visible(R row, Function<R, String> tenantOf) {
        return row == null || tenant == null || tenant.equals(tenantOf.apply(row)) ? row : null;
    }
}
