-- agentlog schema, version 4: the tenant of each event and of the rows that reads filter (contract section 7).
-- Additive only; ADD COLUMN without a default changes no existing row (instant on any size of table).
-- Rows written before this version have no tenant: their streams belong to no tenant, as the processor says
-- (docs/sink.md, Tenants). messages and passages need no column of their own: they are read through their
-- agent and archive; agent_context, agent_blocks, agent_archives through their agent; block_versions through
-- its block.
ALTER TABLE events ADD COLUMN tenant text;
ALTER TABLE agents ADD COLUMN tenant text;
ALTER TABLE blocks ADD COLUMN tenant text;
ALTER TABLE archives ADD COLUMN tenant text;
