-- agentlog schema, version 2: indexes for point-in-time state, history, export and --from-table replays.
-- Additive only. Each index costs the sink one more btree insert per event row; they are here because a
-- point-in-time query must not replay a stream (see docs/replay.md).

-- "the latest context.updated of this agent at or before T", "the agent.* / block.attached events of this
-- agent up to T", "the passage events of this archive up to T": one index range per (stream, type).
CREATE INDEX events_stream_type_time ON events (stream_id, type, occurred_at);

-- A message's own events (created, updated, deleted) up to T, for the in-context window of a past instant.
-- Partial: only message events carry a message_id.
CREATE INDEX events_message_time ON events ((payload ->> 'message_id'), occurred_at)
    WHERE type IN ('message.created', 'message.updated', 'message.deleted');

-- Where each event was read in the log of record: a --from-table replay reads a partition from an offset on.
-- Keys grow with the offset, so inserts touch only the rightmost leaf pages.
CREATE INDEX events_kafka_position ON events (kafka_partition, kafka_offset);

-- "The block's version at or before T" without walking every later version.
CREATE INDEX block_versions_block_time ON block_versions (block_id, occurred_at);
