package dev.agentlog.sink.replay;

/** Hears how a rebuild goes; called on the rebuild's thread, after every batch: keep it cheap. */
@FunctionalInterface
public interface RebuildListener {
    RebuildListener NONE = progress -> { };

    void progress(RebuildProgress progress);
}
