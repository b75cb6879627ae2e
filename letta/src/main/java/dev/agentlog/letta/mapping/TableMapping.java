package dev.agentlog.letta.mapping;

import dev.agentlog.events.Event;
import java.util.List;

/** The events one change of one Letta table stands for, in the order they happened. */
interface TableMapping {
    String table();

    List<Event> map(Change change, MappingContext context);
}
