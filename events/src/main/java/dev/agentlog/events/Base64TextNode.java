package dev.agentlog.events;

import com.fasterxml.jackson.databind.node.TextNode;

/**
 * A JSON string of base64 (a sealed payload's {@code ct}) with the bytes it decodes to, decoded by a reader straight
 * from the record's bytes: the sink's parser does so, which spares the JSON parser's text buffer and a second copy of
 * the text before decoding (docs/privacy.md, "Cost"). Otherwise a {@link TextNode}: the same text, equal to one, written
 * the same. {@link Sealing#ciphertext} takes the bytes without decoding the text again.
 */
public final class Base64TextNode extends TextNode {
    private static final long serialVersionUID = 1L;
    /** Not kept by Java serialization: a node read back decodes its text, as a plain one does. */
    private final transient byte[] decoded;

    /** {@code decoded} must be what {@code text} decodes to (java.util.Base64's basic decoder); it is not copied. */
    public Base64TextNode(String text, byte[] decoded) {
        super(text);
        this.decoded = decoded;
    }

    /** The decoded bytes, not a copy (null after Java deserialization). */
    byte[] decoded() {
        return decoded;
    }
}
