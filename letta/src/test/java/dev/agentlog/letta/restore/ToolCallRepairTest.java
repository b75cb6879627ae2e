package dev.agentlog.letta.restore;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ToolCallRepairTest {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final String AGENT = "agent-1";

    private final LettaRows rows = new LettaRows();
    private final List<String> window = new ArrayList<>();

    @Test
    void shouldDropExactlyTheCallWithoutResultAndTheResultWithoutCall() {
        message("m-system", "system");
        call("m-call-1", "call-1");
        result("m-result-1", "tool", "call-1");
        call("m-crashed", "call-2"); // its result was never written
        result("m-stray", "tool", "call-9"); // its call is not in the window
        legacyResult(call("m-call-3", "call-3"), "m-function-3", "call-3");
        message("m-user", "user");
        agent();

        List<ToolCallRepair.Dropped> dropped = ToolCallRepair.repair(rows, AGENT);

        assertThat(dropped).extracting(ToolCallRepair.Dropped::messageId).containsExactly("m-crashed", "m-stray");
        assertThat(dropped.get(0).reason()).isEqualTo("tool call call-2 without its tool result");
        assertThat(dropped.get(1).reason()).isEqualTo("tool result for call-9 without its tool call");
        assertThat(windowNow()).containsExactly("m-system", "m-call-1", "m-result-1", "m-call-3", "m-function-3", "m-user");
        assertThat(rows.table("messages").keySet()).containsExactly("m-system", "m-call-1", "m-result-1", "m-call-3",
                "m-function-3", "m-user");
    }

    @Test
    void shouldDropTheResultsOfParallelCallsWhoseMessageWentForAMissingResult() {
        ObjectNode assistant = call("m-parallel", "call-a", "call-b");
        result("m-a", "tool", "call-a"); // call-b has no result: the call message goes, then call-a's result
        agent();

        assertThat(ToolCallRepair.repair(rows, AGENT)).extracting(ToolCallRepair.Dropped::messageId)
                .containsExactly("m-parallel", "m-a");
        assertThat(windowNow()).isEmpty();
        assertThat(assistant.path("id").asText()).isEqualTo("m-parallel");
    }

    @Test
    void shouldLeaveAWholeWindowAloneAndMatchResultsByToolReturns() {
        call("m-call", "call-1");
        ObjectNode result = message("m-result", "tool");
        ArrayNode returns = result.putArray("tool_returns");
        returns.addObject().put("tool_call_id", "call-1").put("status", "success");
        agent();

        assertThat(ToolCallRepair.repair(rows, AGENT)).isEmpty();
        assertThat(windowNow()).containsExactly("m-call", "m-result");
    }

    @Test
    void shouldRepairANamedConversationsWindowAndLeaveItsOtherRows() {
        agent();
        call("m-conv-call", "call-7");
        window.clear();
        rows.put("conversation_messages", "cm-1", JSON.objectNode().put("id", "cm-1").put("conversation_id", "conv-1")
                .put("message_id", "m-conv-call").put("position", 1).put("in_context", true).put("is_deleted", false));
        message("m-old", "user");
        window.clear();
        rows.put("conversation_messages", "cm-2", JSON.objectNode().put("id", "cm-2").put("conversation_id", "conv-1")
                .put("message_id", "m-old").put("position", 0).put("in_context", false).put("is_deleted", false));

        assertThat(ToolCallRepair.repair(rows, AGENT)).extracting(ToolCallRepair.Dropped::messageId)
                .containsExactly("m-conv-call");
        assertThat(rows.table("conversation_messages").keySet()).containsExactly("cm-2");
    }

    private ObjectNode message(String id, String role) {
        ObjectNode row = JSON.objectNode().put("id", id).put("agent_id", AGENT).put("role", role);
        row.putArray("tool_calls");
        rows.put("messages", id, row);
        window.add(id);
        return row;
    }

    private ObjectNode call(String id, String... callIds) {
        ObjectNode row = message(id, "assistant");
        ArrayNode calls = row.putArray("tool_calls");
        for (String callId : callIds) {
            calls.addObject().put("id", callId).put("type", "function").putObject("function").put("name", "f");
        }
        return row;
    }

    private ObjectNode result(String id, String role, String callId) {
        return message(id, role).put("tool_call_id", callId);
    }

    private void legacyResult(ObjectNode call, String id, String callId) {
        result(id, "function", callId).put("text", "OK").putNull("content");
    }

    private void agent() {
        ArrayNode ids = JSON.arrayNode();
        window.forEach(ids::add);
        ObjectNode agent = JSON.objectNode().put("id", AGENT);
        agent.set("message_ids", ids);
        rows.put("agents", AGENT, agent);
    }

    private List<String> windowNow() {
        List<String> out = new ArrayList<>();
        rows.get("agents", AGENT).get("message_ids").forEach(id -> out.add(id.asText()));
        return out;
    }
}
