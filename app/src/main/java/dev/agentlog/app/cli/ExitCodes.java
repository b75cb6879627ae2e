package dev.agentlog.app.cli;

/** Exit codes that mean something to scripts and supervisors. */
public final class ExitCodes {
    public static final int OK = 0;
    /** A runtime failure: a part could not start or stopped with an error. */
    public static final int FAILURE = 1;
    /** A bad option or setting: nothing was started. */
    public static final int USAGE = 2;
    /** verify: the projections differ from the log. */
    public static final int DIFFERENT = 3;
    /** letta restore: the target already holds the agent (or rows it owns); nothing was written. */
    public static final int CONFLICT = 4;
    /** state --at: the instant is older than what the log still holds (before the oldest snapshot kept), or the
     * agent began before the snapshot the schema was rebuilt from (export: the latter). Each command's codes are its
     * own: 4 means this for state and export, a conflict for letta restore. */
    public static final int BEFORE_HORIZON = 4;

    private ExitCodes() {}
}
