-- The part of Letta's schema the CDC latency run writes to: an organization, an agent, its messages.
-- Column names and types as Letta's own tables (see Letta's ORM models); only these three tables are made.
CREATE SEQUENCE IF NOT EXISTS message_seq_id;

CREATE TABLE organizations (
    id                  varchar PRIMARY KEY,
    name                varchar NOT NULL,
    privileged_tools    boolean NOT NULL DEFAULT false,
    created_at          timestamptz DEFAULT now(),
    updated_at          timestamptz DEFAULT now(),
    is_deleted          boolean NOT NULL DEFAULT false,
    _created_by_id      varchar,
    _last_updated_by_id varchar
);

CREATE TABLE agents (
    id                  varchar PRIMARY KEY,
    organization_id     varchar NOT NULL REFERENCES organizations(id),
    agent_type          varchar,
    name                varchar,
    description         varchar,
    system              varchar,
    message_ids         json,
    llm_config          json,
    embedding_config    json,
    tool_rules          json,
    metadata_           json,
    created_at          timestamptz DEFAULT now(),
    updated_at          timestamptz DEFAULT now(),
    is_deleted          boolean NOT NULL DEFAULT false,
    _created_by_id      varchar,
    _last_updated_by_id varchar
);

CREATE TABLE messages (
    id                  varchar PRIMARY KEY,
    organization_id     varchar NOT NULL REFERENCES organizations(id),
    agent_id            varchar NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    role                varchar NOT NULL,
    text                varchar,
    content             json,
    model               varchar,
    name                varchar,
    tool_calls          json,
    tool_call_id        varchar,
    tool_returns        json,
    step_id             varchar,
    run_id              varchar,
    otid                varchar,
    sequence_id         bigint NOT NULL DEFAULT nextval('message_seq_id') UNIQUE,
    created_at          timestamptz DEFAULT now(),
    updated_at          timestamptz DEFAULT now(),
    is_deleted          boolean NOT NULL DEFAULT false,
    _created_by_id      varchar,
    _last_updated_by_id varchar
);
