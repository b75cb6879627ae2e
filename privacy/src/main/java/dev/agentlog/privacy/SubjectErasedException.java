package dev.agentlog.privacy;

/** The subject was erased: its key is destroyed, and no new key is ever made for it. */
public final class SubjectErasedException extends RuntimeException {
    private final String subject;

    public SubjectErasedException(String subject) {
        super("subject " + subject + " was erased (agentlog erase): nothing more is written for it");
        this.subject = subject;
    }

    public String subject() {
        return subject;
    }
}
