package dev.agentlog.privacy;

/**
 * A data key is wrapped by a key-encryption key this process does not have: after {@code agentlog kek rotate}, a part
 * still started with the old file meets this for every key it has not cached. The message names the KEK the row needs
 * and the ones this process has (ids only, never key material), and what to do.
 */
public final class WrongKekException extends IllegalStateException {
    private final String neededKekId;

    WrongKekException(String subject, String where, String neededKekId, KeyEncryptionKey have) {
        super("the data key of subject " + subject + " in " + where + " is wrapped by key-encryption key "
                + neededKekId + ", and this process was given " + have.describe() + ": start it with the --kek-file"
                + " whose id is " + neededKekId + " (after `agentlog kek rotate`, the new file; `agentlog kek id FILE`"
                + " prints a file's id)");
        this.neededKekId = neededKekId;
    }

    /** The id of the KEK that wraps the key asked for. */
    public String neededKekId() {
        return neededKekId;
    }
}
