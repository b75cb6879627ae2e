-- agentlog schema, version 1: the audit log, the projections of contract section 5, the sink's offsets.
-- Names are unqualified: Flyway runs this in the configured schema (default agentlog), so a rebuild can
-- create the same tables in a shadow schema. No foreign keys between projections: every stream is ordered
-- on its own, not against the others (a block.attached may be applied before that block's block.created).

-- The audit trail: every event of the log of record, once (event_id), with where it was read from.
CREATE TABLE events (
    event_id        text        PRIMARY KEY,
    stream_id       text        NOT NULL,
    stream_seq      bigint,
    type            text        NOT NULL,
    schema_version  integer     NOT NULL,
    agent_id        text,
    organization_id text,
    occurred_at     timestamptz NOT NULL,
    source          text,
    actor           text,
    payload         jsonb       NOT NULL,
    kafka_topic     text,
    kafka_partition integer,
    kafka_offset    bigint,
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    -- also the (stream_id, stream_seq) index: a stream's history in order
    CONSTRAINT events_stream_position UNIQUE (stream_id, stream_seq)
);
CREATE INDEX events_agent_time ON events (agent_id, occurred_at);

CREATE TABLE agents (
    agent_id         text PRIMARY KEY,
    name             text,
    agent_type       text,
    system           text,
    description      text,
    llm_config       jsonb,
    embedding_config jsonb,
    tool_rules       jsonb,
    metadata         jsonb,
    organization_id  text,
    created_at       timestamptz,
    updated_at       timestamptz,
    deleted_at       timestamptz
);

CREATE TABLE messages (
    message_id      text PRIMARY KEY,
    agent_id        text,
    role            text,
    content         jsonb,
    tool_calls      jsonb,
    tool_call_id    text,
    tool_returns    jsonb,
    name            text,
    step_id         text,
    run_id          text,
    otid            text,
    source_sequence bigint,
    created_at      timestamptz,
    updated_at      timestamptz,
    -- payload fields this version of agentlog does not know, verbatim (the whole payload is also in events)
    extra           jsonb
);
CREATE INDEX messages_agent ON messages (agent_id);

-- The in-context window of each agent, in order (Letta's agents.message_ids).
CREATE TABLE agent_context (
    agent_id   text    NOT NULL,
    position   integer NOT NULL,
    message_id text    NOT NULL,
    PRIMARY KEY (agent_id, position)
);

CREATE TABLE blocks (
    block_id    text PRIMARY KEY,
    label       text,
    value       text,
    value_limit integer,
    description text,
    read_only   boolean,
    metadata    jsonb,
    version     integer NOT NULL,
    created_at  timestamptz,
    updated_at  timestamptz,
    deleted_at  timestamptz
);

-- Every version of every block (Letta keeps none): the whole value after each applied edit.
CREATE TABLE block_versions (
    block_id    text    NOT NULL,
    version     integer NOT NULL,
    value       text,
    label       text,
    event_id    text    NOT NULL,
    occurred_at timestamptz NOT NULL,
    actor       text,
    PRIMARY KEY (block_id, version)
);

CREATE TABLE agent_blocks (
    agent_id text NOT NULL,
    block_id text NOT NULL,
    label    text,
    PRIMARY KEY (agent_id, block_id)
);
-- block.deleted removes a block's attachments
CREATE INDEX agent_blocks_block ON agent_blocks (block_id);

CREATE TABLE archives (
    archive_id       text PRIMARY KEY,
    name             text,
    description      text,
    embedding_config jsonb,
    metadata         jsonb,
    created_at       timestamptz,
    deleted_at       timestamptz
);

CREATE TABLE agent_archives (
    agent_id   text NOT NULL,
    archive_id text NOT NULL,
    PRIMARY KEY (agent_id, archive_id)
);
-- archive.deleted removes an archive's attachments
CREATE INDEX agent_archives_archive ON agent_archives (archive_id);

-- embedding is real[] so that the schema needs no extension; where pgvector is installed a later
-- migration or a view can expose it as vector.
CREATE TABLE passages (
    passage_id      text PRIMARY KEY,
    archive_id      text,
    text            text,
    tags            jsonb,
    metadata        jsonb,
    embedding       real[],
    embedding_model text,
    created_at      timestamptz
);
CREATE INDEX passages_archive ON passages (archive_id);

-- Rows of source tables that have no typed event yet (row.changed), latest image per stream <table>:<key>.
CREATE TABLE source_rows (
    stream_id    text PRIMARY KEY,
    source_table text NOT NULL,
    "row"        jsonb,
    op           text NOT NULL,
    updated_at   timestamptz
);

-- Where each consumer group is in each partition: written in the same transaction as the rows it covers,
-- and only when it still holds the value the writer read (a stale worker cannot commit).
CREATE TABLE sink_offsets (
    consumer_group text        NOT NULL,
    topic          text        NOT NULL,
    "partition"    integer     NOT NULL,
    next_offset    bigint      NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer_group, topic, "partition")
);
