package dev.agentlog.events;

/**
 * A JSON object or array of a payload that knows where its text lies in the record it was parsed from
 * ({@link EventCodec#parseLocatingPayload}), so that a reader storing it as it came (the sink's jsonb columns) can
 * copy those bytes instead of writing the tree back to text. Only the payload's top-level values are located, and
 * only until something could have changed them: the trees are not changed after parsing, and the codec forgets the
 * locations of a payload it upcasts. Every object and array node made by {@link EventCodec#JSON} is one.
 */
public interface LocatedJson {
    /** Where the value's text lies; null when not located. */
    Location location();

    /** Not located any more (its event was upcast). */
    void forget();

    /** {@code source[start, end)} is the value's JSON text in UTF-8. */
    record Location(byte[] source, int start, int end) {
        public int length() {
            return end - start;
        }
    }
}
