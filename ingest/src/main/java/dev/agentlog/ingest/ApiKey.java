package dev.agentlog.ingest;

import dev.agentlog.events.Tenants;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Who a presented API key is: its name (events it writes get {@code source} {@code http:<name>}), what it may
 * do, and the tenant it belongs to, if any. Holds nothing of the key itself; {@link ApiKeys} keeps the hashes.
 * Two keys are the same when all three are equal.
 *
 * @param name   1..64 of {@code [A-Za-z0-9._-]}
 * @param scopes at least one; {@link Scope#ADMIN} implies the others
 * @param tenant the tenant whose data this key writes and reads, or null for a key of no tenant
 */
public record ApiKey(String name, Set<Scope> scopes, String tenant) {
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public ApiKey {
        Objects.requireNonNull(scopes, "scopes");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("key name '" + name + "' must be 1..64 of [A-Za-z0-9._-]");
        }
        if (scopes.isEmpty()) {
            throw new IllegalArgumentException("the key named '" + name + "' has no scope; give it one or more of "
                    + Scope.allWire());
        }
        if (tenant != null && !Tenants.isLegal(tenant)) {
            // the envelope's rule: the key stamps this name on every event it writes
            throw new IllegalArgumentException("the tenant of the key named '" + name + "' "
                    + Tenants.problem(tenant) + ", was '" + tenant + "'");
        }
        scopes = Collections.unmodifiableSet(EnumSet.copyOf(scopes));
    }

    /** Whether this key may use a route that needs {@code scope}. */
    public boolean allows(Scope scope) {
        return scopes.contains(Scope.ADMIN) || scopes.contains(scope);
    }

    /** {@code events:write,state:read}, as written in a key file. */
    public String scopesWire() {
        return scopes.stream().map(Scope::wire).collect(Collectors.joining(","));
    }
}
