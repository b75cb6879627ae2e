/**
 * The projections as a pure fold: row records ({@code AgentRow}, ...), table definitions ({@link
 * dev.agentlog.sink.fold.Tables}), the fold itself ({@link dev.agentlog.sink.fold.ProjectionFold}, whose
 * Javadoc is the semantics of every event type), the whole state in memory ({@link
 * dev.agentlog.sink.fold.ProjectionState}, {@link dev.agentlog.sink.fold.LogFold}) and a batch's changes over
 * loaded rows ({@link dev.agentlog.sink.fold.BatchOverlay}). No I/O here.
 */
package dev.agentlog.sink.fold;
