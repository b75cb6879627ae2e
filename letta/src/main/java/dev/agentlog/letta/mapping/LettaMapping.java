package dev.agentlog.letta.mapping;

import dev.agentlog.events.Event;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.InvalidEventException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * From a change of a Letta table to the contract's events: one {@link TableMapping} per table with typed events,
 * {@code row.changed} for every other table. A typed mapping that fails on unexpected data, or makes an event the
 * processor would refuse (a message role the catalogue does not know, say), does not stop capture nor send the
 * change to the dead-letter topic: the change travels as row.changed (nothing lost, in order) and the failure is
 * reported. Not thread-safe: one engine thread calls it, in source order.
 */
public final class LettaMapping {
    /** The Letta tables that have typed events; --setup gives these REPLICA IDENTITY FULL. */
    public static final List<String> TYPED_TABLES = List.of("agents", "messages", "block", "blocks_agents", "archives",
            "archives_agents", "archival_passages", "passage_tags", "conversations", "conversation_messages",
            "blocks_conversations", "files_agents", "tools_agents", "sources_agents", "identities_agents",
            "groups_agents", "agents_tags");

    private final Map<String, TableMapping> byTable = Stream.concat(Stream.of(new AgentsMapping(),
                    new MessagesMapping(), new BlockMapping(), new BlocksAgentsMapping(), new ArchivesMapping(),
                    new ArchivesAgentsMapping(), new ArchivalPassagesMapping(), new PassageTagsMapping(),
                    new ConversationsMapping(), new ConversationMessagesMapping(), new BlocksConversationsMapping(),
                    new FilesAgentsMapping()), LinkMapping.ALL.stream())
            .collect(Collectors.toUnmodifiableMap(TableMapping::table, Function.identity()));
    private final MappingContext context;
    private final EventCodec codec = EventCodec.standard();

    public LettaMapping(MappingContext context) {
        this.context = context;
    }

    public List<Event> map(Change change) {
        TableMapping mapping = byTable.getOrDefault(change.table(), RowChangedMapping.INSTANCE);
        try {
            List<Event> events = mapping.map(change, context);
            if (mapping != RowChangedMapping.INSTANCE) {
                for (Event event : events) {
                    codec.decode(codec.encode(event)); // the processor's validation, before the event leaves
                }
            }
            return events;
        } catch (InvalidEventException e) {
            context.issues().failed(change, new IllegalArgumentException(e.getMessage(), e));
            return RowChangedMapping.INSTANCE.map(change, context);
        } catch (RuntimeException e) {
            context.issues().failed(change, e);
            return RowChangedMapping.INSTANCE.map(change, context);
        }
    }
}
