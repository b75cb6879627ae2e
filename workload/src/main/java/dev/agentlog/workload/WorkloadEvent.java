package dev.agentlog.workload;

import dev.agentlog.events.EventType;

/**
 * One event of the generated log of record, as the processor would have written it to {@code agentlog.events}.
 *
 * @param streamId the record key
 * @param type the event type (for counting; also inside {@code json})
 * @param json the event JSON, UTF-8
 */
public record WorkloadEvent(String streamId, EventType type, byte[] json) {}
