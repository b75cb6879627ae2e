-- agentlog schema, version 3: events_agent_time only where there is an agent_id.
-- agent_id is set only when the stream is not the agent itself (a block edit made by an agent's tool call): about
-- one event in ten of a Letta-like log. The full index cost the sink a btree insert for every event and a rebuild
-- about a second per million events to build, for rows no `WHERE agent_id = ...` query can ever match; PostgreSQL
-- uses the partial index for such queries (agent_id = x implies agent_id IS NOT NULL).
DROP INDEX events_agent_time;
CREATE INDEX events_agent_time ON events (agent_id, occurred_at) WHERE agent_id IS NOT NULL;
