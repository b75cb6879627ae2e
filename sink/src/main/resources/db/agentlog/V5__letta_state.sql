-- The rest of an agent's Letta state (issue "Letta round trip"): named conversations and their windows, blocks
-- isolated in a conversation, files open in the agent's context, and the agent's links to tools, folders,
-- identities, groups and tags. Derived from the log like every projection; no foreign keys across streams.

CREATE TABLE conversations (
    conversation_id text PRIMARY KEY,
    agent_id        text NOT NULL,
    summary         text,
    model           text,
    last_message_at timestamptz,
    deleted         boolean,
    extra           jsonb,
    created_at      timestamptz,
    updated_at      timestamptz
);
CREATE INDEX conversations_agent ON conversations (agent_id);

-- A conversation's window: its rows in_context and not deleted, by position.
CREATE TABLE conversation_messages (
    conversation_message_id text PRIMARY KEY,
    agent_id                text NOT NULL,
    conversation_id         text NOT NULL,
    message_id              text NOT NULL,
    "position"              integer,
    in_context              boolean,
    deleted                 boolean,
    extra                   jsonb
);
CREATE INDEX conversation_messages_window ON conversation_messages (conversation_id, "position");
CREATE INDEX conversation_messages_agent ON conversation_messages (agent_id);

CREATE TABLE conversation_blocks (
    conversation_id text NOT NULL,
    block_id        text NOT NULL,
    agent_id        text NOT NULL,
    label           text,
    PRIMARY KEY (conversation_id, block_id)
);
CREATE INDEX conversation_blocks_agent ON conversation_blocks (agent_id);

CREATE TABLE agent_files (
    file_agent_id    text PRIMARY KEY,
    agent_id         text NOT NULL,
    file_id          text NOT NULL,
    source_id        text,
    file_name        text,
    is_open          boolean,
    visible_content  text,
    start_line       integer,
    end_line         integer,
    last_accessed_at timestamptz,
    deleted          boolean,
    extra            jsonb
);
CREATE INDEX agent_files_agent ON agent_files (agent_id);

-- kind: tool, source, identity, group or tag; target: the id (the tag itself for a tag)
CREATE TABLE agent_links (
    agent_id text NOT NULL,
    kind     text NOT NULL,
    target   text NOT NULL,
    PRIMARY KEY (agent_id, kind, target)
);
