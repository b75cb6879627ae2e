package dev.agentlog.sink.internal;

/**
 * A JSON object or array of a payload that knows where its text lies in the record it was parsed from
 * ({@link LocatedValue#parse}), so that the sink stores it as it came in a jsonb column, copying those bytes instead
 * of writing the tree back to text. Only the payload's top-level values are located, and only until something could
 * have changed them: the trees are not changed after parsing, and {@link DecodedRecord#decode} forgets the locations
 * of a payload before the codec upcasts it. Every object and array node of {@link LocatedValue}'s mapper is one; no
 * other part of agentlog sees these nodes.
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
