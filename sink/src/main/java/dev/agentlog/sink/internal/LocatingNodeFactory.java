package dev.agentlog.sink.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentlog.sink.internal.LocatedJson.Location;

/**
 * Jackson's node factory with exact decimals, whose objects and arrays can carry where their text came from
 * ({@link LocatedJson}); otherwise they are Jackson's own nodes (equal to them, written the same).
 */
final class LocatingNodeFactory extends JsonNodeFactory {
    private static final long serialVersionUID = 1L;

    LocatingNodeFactory() {
        super(true);
    }

    @Override
    public ObjectNode objectNode() {
        return new LocatedObject(this);
    }

    @Override
    public ArrayNode arrayNode() {
        return new LocatedArray(this, 0);
    }

    @Override
    public ArrayNode arrayNode(int capacity) {
        return new LocatedArray(this, capacity);
    }

    /** Where a value's text lies; set once it has been read. */
    static void locate(JsonNode value, byte[] source, int start, int end) {
        if (value instanceof LocatedObject o) {
            o.location = new Location(source, start, end);
        } else if (value instanceof LocatedArray a) {
            a.location = new Location(source, start, end);
        }
    }

    static final class LocatedObject extends ObjectNode implements LocatedJson {
        private static final long serialVersionUID = 1L;
        private transient Location location;

        LocatedObject(JsonNodeFactory factory) {
            super(factory);
        }

        @Override
        public Location location() {
            return location;
        }

        @Override
        public void forget() {
            location = null;
        }
    }

    static final class LocatedArray extends ArrayNode implements LocatedJson {
        private static final long serialVersionUID = 1L;
        private transient Location location;

        LocatedArray(JsonNodeFactory factory, int capacity) {
            super(factory, capacity);
        }

        @Override
        public Location location() {
            return location;
        }

        @Override
        public void forget() {
            location = null;
        }
    }
}
