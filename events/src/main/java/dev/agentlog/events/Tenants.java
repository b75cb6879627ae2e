package dev.agentlog.events;

import java.util.regex.Pattern;

/**
 * The rule for a tenant name (the envelope's {@code tenant}, and the tenant an API key carries): 1..128 of
 * {@code [A-Za-z0-9._-]}. A narrow charset on purpose: the name travels in Kafka records, dead-letter rules,
 * log lines, SQL parameters and URLs, and must never need escaping in any of them, nor hide a look-alike.
 */
public final class Tenants {
    public static final int MAX_CHARS = 128;
    private static final Pattern LEGAL = Pattern.compile("[A-Za-z0-9._-]+");

    private Tenants() {}

    /** What is wrong with this tenant name, or null when it is a legal one. */
    public static String problem(String tenant) {
        if (tenant == null) {
            return "must not be null (leave the field out for no tenant)";
        }
        if (tenant.isEmpty() || tenant.length() > MAX_CHARS) {
            return "must have 1.." + MAX_CHARS + " characters, was " + tenant.length();
        }
        if (!LEGAL.matcher(tenant).matches()) {
            return "must be made of [A-Za-z0-9._-] only";
        }
        return null;
    }

    public static boolean isLegal(String tenant) {
        return problem(tenant) == null;
    }

    /** The tenant itself when legal; else an IllegalArgumentException naming {@code what} and the rule. */
    public static String require(String tenant, String what) {
        String problem = problem(tenant);
        if (problem != null) {
            throw new IllegalArgumentException(what + " " + problem);
        }
        return tenant;
    }
}
