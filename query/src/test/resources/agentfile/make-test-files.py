# Writes the test agent files of this directory in the shape of Letta 0.16.8's AgentFileSchema
# (letta/schemas/agent_file.py): each object as AgentSerializationManager.export dumps it (model_dump of
# AgentSchema = CreateAgent + id/in_context_message_ids/messages/files_agents/group_ids, MessageSchema,
# FileAgentSchema, GroupSchema with a SleeptimeManagerSchema, BlockSchema = CreateBlock, FileSchema =
# FileMetadataBase, SourceSchema = SourceCreate, ToolSchema = Tool), file ids <kind>-<n> numbered per kind in
# the order the exporter meets them, blocks sorted by label, tools by name. Run: python3 make-test-files.py
import json
LLM={"model":"gpt-4o-mini","model_endpoint_type":"openai","model_endpoint":"https://api.openai.com/v1","context_window":128000,"put_inner_thoughts_in_kwargs":True,"handle":"openai/gpt-4o-mini","temperature":0.7,"max_tokens":4096}
EMB={"embedding_endpoint_type":"openai","embedding_endpoint":"https://api.openai.com/v1","embedding_model":"text-embedding-3-small","embedding_dim":1536,"embedding_chunk_size":300,"handle":"openai/text-embedding-3-small","batch_size":32}
def agent(i, name, agent_type, system, tool_ids, source_ids, block_ids, messages, in_ctx, files_agents, group_ids, tags, tool_rules, extra={}):
    a={"name":name,"memory_blocks":[],"tools":[],"tool_ids":tool_ids,"source_ids":source_ids,"folder_ids":None,"block_ids":block_ids,
       "tool_rules":tool_rules,"tags":tags,"system":system,"agent_type":agent_type,"initial_message_sequence":None,
       "include_base_tools":False,"include_multi_agent_tools":False,"include_base_tool_rules":False,"include_default_source":False,
       "description":extra.get("description"),"metadata":extra.get("metadata"),"llm_config":LLM,"embedding_config":EMB,"model":None,"embedding":None,
       "model_settings":None,"compaction_settings":None,"context_window_limit":None,"embedding_chunk_size":None,"max_tokens":None,
       "max_reasoning_tokens":None,"enable_reasoner":False,"reasoning":None,"from_template":None,"template":False,"project":None,
       "tool_exec_environment_variables":{},"secrets":None,"memory_variables":None,"project_id":None,"template_id":None,
       "base_template_id":None,"identity_ids":None,"message_buffer_autoclear":extra.get("autoclear",False),"enable_sleeptime":False,
       "response_format":None,"timezone":extra.get("timezone","UTC"),"max_files_open":extra.get("max_files_open"),
       "per_file_view_window_char_limit":extra.get("pfv"),"hidden":None,"parallel_tool_calls":None,
       "id":f"agent-{i}","in_context_message_ids":in_ctx,"messages":messages,"files_agents":files_agents,"group_ids":group_ids}
    return a
def msg(i, agent, role, content, created, **kw):
    m={"type":"message","otid":None,"group_id":None,"role":role,"content":content,"name":None,"sender_id":None,"batch_item_id":None,
       "id":f"message-{i}","model":None,"agent_id":agent,"tool_calls":None,"tool_call_id":None,"tool_returns":None,"created_at":created,
       "approve":None,"approval_request_id":None,"denial_reason":None,"approvals":None}
    m.update(kw); return m
def text(t): return [{"type":"text","text":t}]
m0=[msg(0,"agent-0","system",text("You are Sam, a helpful companion. Core memory follows."),"2026-11-20T09:00:00Z"),
    msg(1,"agent-0","user",text("Roll a d20 for me, and remember that I prefer tea."),"2026-11-20T09:00:01.250000Z",otid="otid-7f1c"),
    msg(2,"agent-0","assistant",[{"type":"reasoning","reasoning":"The user wants a dice roll.","is_native":True,"signature":None}],"2026-11-20T09:00:02.500000Z",
        model="gpt-4o-mini",tool_calls=[{"id":"call_1","type":"function","function":{"name":"roll_dice","arguments":"{\"sides\": 20}"}}]),
    msg(3,"agent-0","tool",text("{\"status\": \"OK\", \"message\": \"17\"}"),"2026-11-20T09:00:03.000001Z",name="roll_dice",tool_call_id="call_1",
        model="gpt-4o-mini",tool_returns=[{"tool_call_id":"call_1","status":"success","stdout":[],"stderr":[],"func_response":"{\"status\": \"OK\", \"message\": \"17\"}"}]),
    msg(4,"agent-0","assistant",text("You rolled a 17. Noted: tea it is."),"2026-11-20T09:00:04Z",model="gpt-4o-mini")]
m1=[msg(5,"agent-1","system",text("You are the sleeptime memory agent of Sam. Reorganize core memory."),"2026-11-20T09:00:00Z"),
    msg(6,"agent-1","user",text("[Sleeptime] Messages of the main agent since the last run follow."),"2026-11-20T09:00:05Z",group_id="group-0"),
    msg(7,"agent-1","assistant",[],"2026-11-20T09:00:06Z",model="gpt-4o-mini",
        tool_calls=[{"id":"call_2","type":"function","function":{"name":"memory_rethink","arguments":"{\"label\": \"human\", \"new_memory\": \"Prefers tea.\"}"}}])]
fa=[{"agent_id":"agent-0","file_id":"file-0","source_id":"source-0","file_name":"handbook/tea.md","is_open":True,
     "visible_content":"[Viewing file start (out of 2 lines)]\n1: # Tea\n2: Green tea is steeped at 80 C.","last_accessed_at":"2026-11-20T09:00:02Z",
     "start_line":None,"end_line":None,"id":"file_agent-0"}]
agents=[agent(0,"sam","letta_v1_agent","You are Sam, a helpful companion.",["tool-0","tool-1"],["source-0"],["block-0","block-1"],m0,
              ["message-0","message-1","message-2","message-3","message-4"],fa,["group-0"],["companion","tea"],
              [{"tool_name":"send_message","type":"exit_loop","prompt_template":None}],{"description":"Sam, who remembers","metadata":{"owner":"ada"},"max_files_open":5,"pfv":15000}),
        agent(1,"sam-sleeptime","sleeptime_agent","You are the sleeptime memory agent of Sam.",["tool-2"],[],["block-0","block-1"],m1,
              ["message-5","message-6","message-7"],[],[],[],[],{"timezone":"Europe/Berlin"})]
def block(i,label,value,limit=20000,desc=None):
    return {"value":value,"limit":limit,"project_id":None,"template_name":None,"is_template":False,"template_id":None,"base_template_id":None,
            "deployment_id":None,"entity_id":None,"preserve_on_migration":False,"label":label,"read_only":False,"description":desc,
            "metadata":{},"hidden":None,"tags":None,"id":f"block-{i}"}
blocks=[block(0,"human","Name: Ada. Prefers tea.",desc="What Sam knows of the human"),block(1,"persona","I am Sam, a helpful companion.",5000)]
def tool(i,name,tool_type,source_code,json_schema,tags,desc,rcl=50000,src="python",pip=None):
    return {"id":f"tool-{i}","tool_type":tool_type,"description":desc,"source_type":src,"name":name,"tags":tags,"source_code":source_code,
            "json_schema":json_schema,"args_json_schema":None,"return_char_limit":rcl,"pip_requirements":pip,"npm_requirements":None,
            "default_requires_approval":None,"enable_parallel_execution":False,"created_by_id":"user-00000000-0000-4000-8000-000000000000",
            "last_updated_by_id":"user-00000000-0000-4000-8000-000000000000","metadata_":{},"project_id":None}
roll='def roll_dice(sides: int) -> str:\n    """\n    Roll a die.\n\n    Args:\n        sides (int): How many sides the die has.\n\n    Returns:\n        str: The number rolled.\n    """\n    import random\n    return str(random.randint(1, sides))\n'
tools=[tool(2,"memory_rethink","letta_sleeptime_core",None,{"name":"memory_rethink","description":"Rewrite a memory block.","parameters":{"type":"object","properties":{"label":{"type":"string"},"new_memory":{"type":"string"}},"required":["label","new_memory"]}},["letta_sleeptime_core"],"Rewrite a memory block."),
       tool(0,"roll_dice","custom",roll,{"name":"roll_dice","description":"Roll a die.","parameters":{"type":"object","properties":{"sides":{"type":"integer","description":"How many sides the die has."}},"required":["sides"]}},[],"Roll a die.",pip=[{"name":"numpy","version":None}]),
       tool(1,"send_message","letta_core",None,{"name":"send_message","description":"Sends a message to the human user.","parameters":{"type":"object","properties":{"message":{"type":"string"}},"required":["message"]}},["letta_core"],"Sends a message to the human user.",rcl=6000)]
sources=[{"name":"handbook","description":"Sam's handbook","instructions":"Look things up here.","metadata":None,"embedding":None,"embedding_chunk_size":None,"embedding_config":EMB,"id":"source-0"}]
files=[{"source_id":"source-0","file_name":"handbook/tea.md","original_file_name":"tea.md","file_path":"/uploads/tea.md","file_type":"text/markdown","file_size":42,
        "file_creation_date":"2026-11-19","file_last_modified_date":"2026-11-19","processing_status":"completed","error_message":None,"total_chunks":1,"chunks_embedded":1,
        "content":"# Tea\nGreen tea is steeped at 80 C.","id":"file-0"}]
groups=[{"agent_ids":["agent-1"],"description":"Sam's sleeptime group","manager_config":{"manager_type":"sleeptime","manager_agent_id":"agent-0","sleeptime_agent_frequency":3},
         "project_id":None,"shared_block_ids":["block-0"],"hidden":None,"id":"group-0"}]
af={"agents":agents,"groups":groups,"blocks":blocks,"files":files,"sources":sources,"tools":tools,"mcp_servers":[],"skills":[],"metadata":{"revision_id":"1c28e167b74f"},"created_at":"2026-11-20T09:10:00Z"}
json.dump(af,open("sleeptime-group.af","w"),indent=2)

# one-agent.af: the same first agent alone (no group, its two tools), as Letta writes a one-agent export
import copy
a = copy.deepcopy(agents[0]); a["group_ids"] = []
single = {"agents": [a], "groups": [], "blocks": blocks, "files": files, "sources": sources,
          "tools": [t for t in tools if t["id"] != "tool-2"], "mcp_servers": [], "skills": [],
          "metadata": {"revision_id": "1c28e167b74f"}, "created_at": "2026-11-20T09:10:00Z"}
json.dump(single, open("one-agent.af", "w"), indent=2)
