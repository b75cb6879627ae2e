package dev.agentlog.cdc;

/**
 * The source database cannot be captured as it is (wal_level, privileges, a slot in use) or capture stopped on an
 * error. The message names the database, what is wrong and the fix; it never holds a password.
 */
public final class CdcSourceException extends IllegalStateException {
    public CdcSourceException(String message) {
        super(message);
    }

    public CdcSourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
