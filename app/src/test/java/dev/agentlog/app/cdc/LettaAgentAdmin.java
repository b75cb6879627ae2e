package dev.agentlog.app.cdc;

import static dev.agentlog.app.cdc.LettaWriter.ORG;
import static dev.agentlog.app.cdc.LettaWriter.exec;
import static dev.agentlog.app.cdc.LettaWriter.id;

import java.sql.SQLException;
import java.util.List;

/**
 * The Letta server's writes around an agent, outside its turns (../shared/letta/README.md: memory tools, tools, tags,
 * identities, groups and sleeptime, deleting an agent), each in the transactions the server uses. Every statement kind
 * that touches a table without a primary key (blocks_agents, tools_agents, agents_tags) is here: those are the ones a
 * careless publication breaks.
 */
final class LettaAgentAdmin {
    private final LettaWriter writer;

    LettaAgentAdmin(LettaWriter writer) {
        this.writer = writer;
    }

    /** Memory create (agent_manager.py:2162-2199): the block, then its attachment + agents.updated_at. */
    String createMemory(LettaWriter.Agent agent, String label, String value) throws SQLException {
        String[] blockId = new String[1];
        writer.tx(c -> blockId[0] = writer.createBlock(c, label, value));
        writer.tx(c -> {
            LettaWriter.attach(c, agent.id, blockId[0], label);
            exec(c, "UPDATE agents SET updated_at = now() WHERE id = ?", agent.id);
        });
        writer.rewriteSystem(agent.id);
        return blockId[0];
    }

    /** Memory delete (agent_manager.py:2202-2222): the attachment goes, the block stays. */
    void deleteMemory(LettaWriter.Agent agent, String label) throws SQLException {
        writer.tx(c -> exec(c, "DELETE FROM blocks_agents WHERE agent_id = ? AND block_label = ?", agent.id, label));
        writer.rewriteSystem(agent.id);
    }

    /** Rename: the block's label, which the FK cascades to blocks_agents.block_label (an UPDATE of a keyless table). */
    void renameMemory(String blockId, String newLabel) throws SQLException {
        writer.tx(c -> exec(c, "UPDATE block SET label = ?, version = version + 1, updated_at = now() WHERE id = ?",
                newLabel, blockId));
        String version = writer.query("SELECT version::text FROM block WHERE id = ?", blockId).get(0);
        String value = writer.query("SELECT value FROM block WHERE id = ?", blockId).get(0);
        writer.blockVersions.put(blockId + "@" + version, value);
        writer.rewriteAttached(blockId);
    }

    /** Attach a tool (agent_manager.py:2757-2820); one that needs approval also appends a tool rule. */
    void attachTool(LettaWriter.Agent agent, String name, boolean requiresApproval) throws SQLException {
        writer.tx(c -> {
            exec(c, "INSERT INTO tools (id, name, source_type, tags, organization_id, tool_type, "
                    + "default_requires_approval) VALUES (?, ?, 'python', '[]', ?, 'custom', ?) ON CONFLICT (name, "
                    + "organization_id) DO NOTHING", LettaWriter.toolId(name), name, ORG, requiresApproval);
            exec(c, "INSERT INTO tools_agents (agent_id, tool_id) VALUES (?, ?) ON CONFLICT (agent_id, tool_id) DO NOTHING",
                    agent.id, LettaWriter.toolId(name));
            if (requiresApproval) {
                exec(c, "UPDATE agents SET tool_rules = (tool_rules::jsonb || jsonb_build_array(jsonb_build_object("
                        + "'tool_name', ?::text, 'type', 'requires_approval')))::json, updated_at = now() WHERE id = ?",
                        name, agent.id);
            }
        });
    }

    /** Detach a tool (agent_manager.py:2995-3024): a DELETE of a keyless table. */
    void detachTool(LettaWriter.Agent agent, String name) throws SQLException {
        writer.tx(c -> exec(c, "DELETE FROM tools_agents WHERE agent_id = ? AND tool_id = ?", agent.id,
                LettaWriter.toolId(name)));
    }

    /** The agent's tags replaced (agent_manager.py:286-306): INSERT ... ON CONFLICT DO NOTHING, then DELETE of the rest. */
    void setTags(LettaWriter.Agent agent, String... tags) throws SQLException {
        writer.tx(c -> {
            for (String tag : tags) {
                exec(c, "INSERT INTO agents_tags (agent_id, tag) VALUES (?, ?) ON CONFLICT DO NOTHING", agent.id, tag);
            }
            exec(c, "DELETE FROM agents_tags WHERE agent_id = ? AND NOT (tag = ANY (?))", agent.id,
                    c.createArrayOf("varchar", tags));
            exec(c, "UPDATE agents SET updated_at = now() WHERE id = ?", agent.id);
        });
    }

    /** The block's tags replaced the same way (block_manager.py:99-121). */
    void setBlockTags(String blockId, String... tags) throws SQLException {
        writer.tx(c -> {
            for (String tag : tags) {
                exec(c, "INSERT INTO blocks_tags (block_id, tag, organization_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                        blockId, tag, ORG);
            }
            exec(c, "DELETE FROM blocks_tags WHERE block_id = ? AND NOT (tag = ANY (?))", blockId,
                    c.createArrayOf("varchar", tags));
        });
    }

    /** An identity attached to an agent and to a block, then detached from the block (identity_manager.py:383-449). */
    String identity(LettaWriter.Agent agent, String blockId, String name) throws SQLException {
        String identityId = id("identity");
        writer.tx(c -> exec(c, "INSERT INTO identities (id, identifier_key, name, identity_type, organization_id, "
                + "properties) VALUES (?, ?, ?, 'user', ?, '[{\"key\":\"plan\",\"value\":\"pro\",\"type\":\"string\"}]')",
                identityId, "ext-" + identityId, name, ORG));
        writer.tx(c -> {
            exec(c, "INSERT INTO identities_agents (identity_id, agent_id) VALUES (?, ?)", identityId, agent.id);
            exec(c, "UPDATE identities SET updated_at = now() WHERE id = ?", identityId);
        });
        writer.tx(c -> {
            exec(c, "INSERT INTO identities_blocks (identity_id, block_id) VALUES (?, ?)", identityId, blockId);
            exec(c, "UPDATE identities SET updated_at = now() WHERE id = ?", identityId);
        });
        writer.tx(c -> exec(c, "DELETE FROM identities_blocks WHERE identity_id = ? AND block_id = ?", identityId, blockId));
        return identityId;
    }

    /**
     * enable_sleeptime (server.py:756-789): a sleeptime agent sharing the main agent's blocks, with its own persona; a
     * group (manager = main agent) and its member row. Returns the sleeptime agent.
     */
    LettaWriter.Agent sleeptime(LettaWriter.Agent main, String name) throws SQLException {
        LettaWriter.Agent sleeper = writer.createAgent(name + "-sleeptime", "memory_persona", "I tidy memory.");
        String groupId = id("group");
        writer.tx(c -> {
            for (String row : writer.query("SELECT block_id || ' ' || block_label FROM blocks_agents WHERE agent_id = ?",
                    main.id)) {
                String[] parts = row.split(" ", 2);
                LettaWriter.attach(c, sleeper.id, parts[0], parts[1]);
            }
            exec(c, "UPDATE agents SET agent_type = 'sleeptime_agent' WHERE id = ?", sleeper.id);
            exec(c, "UPDATE agents SET enable_sleeptime = true, updated_at = now() WHERE id = ?", main.id);
            exec(c, "INSERT INTO groups (id, description, manager_type, manager_agent_id, organization_id, agent_ids, "
                    + "sleeptime_agent_frequency, turns_counter) VALUES (?, 'sleeptime', 'sleeptime', ?, ?, ?::json, 5, -1)",
                    groupId, main.id, ORG, "[\"" + sleeper.id + "\"]");
            exec(c, "INSERT INTO groups_agents (group_id, agent_id) VALUES (?, ?)", groupId, sleeper.id);
        });
        sleeper.groupId = groupId;
        return sleeper;
    }

    /** After a main-agent turn (sleeptime_multi_agent_v4.py:141-186): the counter; at wrap, the sleeptime agent's turn. */
    void sleeptimeTick(LettaWriter.Agent main, LettaWriter.Agent sleeper, String sharedBlock, String newValue)
            throws SQLException {
        writer.tx(c -> exec(c, "UPDATE groups SET turns_counter = (coalesce(turns_counter, -1) + 1) % 5, "
                + "updated_at = now() WHERE id = ?", sleeper.groupId));
        String lastMessage = writer.query("SELECT id FROM messages WHERE agent_id = ? ORDER BY sequence_id DESC LIMIT 1",
                main.id).get(0);
        writer.tx(c -> exec(c, "UPDATE groups SET last_processed_message_id = ? WHERE id = ?", lastMessage,
                sleeper.groupId));
        writer.turn(sleeper, "Tidy memory.", "Tidied.", writer.editBlock(sharedBlock, newValue, sleeper.id));
        writer.rewriteAttached(sharedBlock);
    }

    /**
     * delete_agent_async (agent_manager.py:1320-1396): a sleeptime group first, in its own transaction; then one
     * transaction in the ORM's order: environment variables, files_agents, conversations, agents_tags and runs (no ON
     * DELETE on those FKs), then the agent, whose DELETE cascades to messages, blocks_agents, tools_agents, ...
     */
    void deleteAgent(LettaWriter.Agent agent) throws SQLException {
        writer.tx(c -> exec(c, "DELETE FROM groups WHERE manager_agent_id = ?", agent.id));
        writer.tx(c -> {
            exec(c, "DELETE FROM agent_environment_variables WHERE agent_id = ?", agent.id);
            exec(c, "DELETE FROM files_agents WHERE agent_id = ?", agent.id);
            exec(c, "DELETE FROM conversations WHERE agent_id = ?", agent.id);
            exec(c, "DELETE FROM agents_tags WHERE agent_id = ?", agent.id);
            exec(c, "DELETE FROM runs WHERE agent_id = ?", agent.id);
            exec(c, "DELETE FROM agents WHERE id = ?", agent.id);
        });
    }

    /** The secret values written: those the rows hold now, and those a rotation overwrote. */
    record Secrets(List<String> current, List<String> overwritten) {
        List<String> all() {
            return java.util.stream.Stream.concat(current.stream(), overwritten.stream()).toList();
        }
    }

    /** Letta's secret-bearing rows, each secret a marker the test looks for in every byte of the log. */
    Secrets secrets(LettaWriter.Agent agent) throws SQLException {
        String providerKey = "sk-provider-" + id("secret");
        String accessKey = "ak-provider-" + id("secret");
        String sandboxValue = "sandbox-value-" + id("secret");
        String agentValue = "agent-env-" + id("secret");
        String mcpToken = "mcp-token-" + id("secret");
        String mcpHeader = "Bearer mcp-header-" + id("secret");
        String stdioKey = "stdio-key-" + id("secret");
        String oauthToken = "oauth-access-" + id("secret");
        String oauthRefresh = "oauth-refresh-" + id("secret");
        String clientSecret = "oauth-client-" + id("secret");
        String sandboxId = id("sandbox");
        String mcpId = id("mcp_server");
        String name = agent.id.substring(agent.id.length() - 8); // names are unique per organization
        writer.tx(c -> exec(c, "INSERT INTO providers (id, name, organization_id, provider_type, provider_category, "
                + "api_key_enc, access_key_enc) VALUES (?, ?, ?, 'openai', 'byok', ?, ?)", id("provider"),
                "openai-" + name, ORG, providerKey, accessKey));
        writer.tx(c -> {
            exec(c, "INSERT INTO sandbox_configs (id, type, config, organization_id) VALUES (?, 'E2B', '{\"timeout\":300}', ?) "
                    + "ON CONFLICT (type, organization_id) DO NOTHING", sandboxId, ORG);
            exec(c, "INSERT INTO sandbox_environment_variables (id, key, value, value_enc, organization_id, "
                    + "sandbox_config_id) VALUES (?, ?, '', ?, ?, (SELECT id FROM sandbox_configs WHERE type = 'E2B' AND "
                    + "organization_id = ?))", id("sandbox-env"), "WEATHER_KEY_" + name, sandboxValue, ORG, ORG);
        });
        writer.tx(c -> exec(c, "INSERT INTO agent_environment_variables (id, key, value, value_enc, organization_id, "
                + "agent_id) VALUES (?, 'GITHUB_TOKEN', '', ?, ?, ?)", id("agent-env"), agentValue, ORG, agent.id));
        writer.tx(c -> exec(c, "INSERT INTO mcp_server (id, server_name, server_type, server_url, stdio_config, "
                + "organization_id, token_enc, custom_headers_enc, custom_headers) VALUES (?, ?, 'streamable_http', "
                + "'https://mcp.example/mcp', ?::json, ?, ?, ?, ?::json)", mcpId, "github-" + name, "{\"command\":\"npx\",\"env\":{\"KEY\":\""
                + stdioKey + "\"}}", ORG, mcpToken, "{\"Authorization\":\"" + mcpHeader + "\"}", "{\"Authorization\":\""
                + mcpHeader + "\"}"));
        writer.tx(c -> exec(c, "INSERT INTO mcp_oauth (id, state, server_id, server_url, server_name, access_token_enc, "
                + "refresh_token_enc, client_secret_enc, token_type, status, created_at, updated_at, organization_id, "
                + "user_id) VALUES (?, ?, ?, 'https://mcp.example/mcp', 'github', ?, ?, ?, 'Bearer', 'authorized', now(), "
                + "now(), ?, ?)", java.util.UUID.randomUUID().toString(), "state-" + id("s"), mcpId, oauthToken,
                oauthRefresh, clientSecret, ORG, LettaWriter.USER));
        // a rotation: updates carry the new secret (and, under FULL, the old one as before-image)
        String rotated = "agent-env-rotated-" + id("secret");
        writer.tx(c -> exec(c, "UPDATE agent_environment_variables SET value_enc = ?, updated_at = now() "
                + "WHERE agent_id = ? AND key = 'GITHUB_TOKEN'", rotated, agent.id));
        return new Secrets(List.of(providerKey, accessKey, sandboxValue, mcpToken, mcpHeader, stdioKey, oauthToken,
                oauthRefresh, clientSecret, rotated), List.of(agentValue));
    }
}
