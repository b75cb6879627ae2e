-- agentlog schema, version 7: snapshots of the projection (docs/replay.md, "Snapshots and retention"). A snapshot is
-- the state of every stream at one position of the log of record: the next offset of each partition of
-- <prefix>.events, so that the tail to replay after it is exactly the records at or after those offsets. One row in
-- snapshots per snapshot; one row in snapshot_streams per stream it holds, the value the same bytes as the stream's
-- record in the compacted topic <prefix>.snapshots (the format is in docs/replay.md), sealed with the stream
-- subject's data key when encryption is on. Erasure clears the state of the subject's rows here (a tombstone: state
-- NULL, erased_at set), so that the next snapshot sends the topic a tombstone for each of those streams.
CREATE TABLE snapshots (
    snapshot_id  text PRIMARY KEY,
    topic        text        NOT NULL,
    group_id     text        NOT NULL,
    positions    jsonb       NOT NULL,
    taken_at     timestamptz NOT NULL,
    streams      integer     NOT NULL,
    sealed       boolean     NOT NULL
);
CREATE INDEX snapshots_taken_at ON snapshots (topic, taken_at);

CREATE TABLE snapshot_streams (
    snapshot_id  text  NOT NULL,
    stream_id    text  NOT NULL,
    subject      text  NOT NULL,
    state        bytea,
    erased_at    timestamptz,
    PRIMARY KEY (snapshot_id, stream_id)
);
CREATE INDEX snapshot_streams_subject ON snapshot_streams (subject);

-- Where each partition of the log of record started when a command that reads it last looked (snapshot, rebuild,
-- verify). A start past 0 means retention dropped the records before it: state --at then answers from the oldest
-- snapshot that the log can still be replayed from on, and refuses before it.
CREATE TABLE log_start (
    topic         text        NOT NULL,
    "partition"   integer     NOT NULL,
    start_offset  bigint      NOT NULL,
    observed_at   timestamptz NOT NULL,
    PRIMARY KEY (topic, "partition")
);
