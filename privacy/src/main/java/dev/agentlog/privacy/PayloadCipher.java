package dev.agentlog.privacy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.crypto.tink.Aead;
import dev.agentlog.events.Event;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.EventType;
import dev.agentlog.events.InvalidEventException;
import dev.agentlog.events.KeysUnavailableException;
import dev.agentlog.events.PayloadOpener;
import dev.agentlog.events.PayloadOpener.PlaintextParser;
import dev.agentlog.events.PayloadSealer;
import dev.agentlog.events.RuleCode;
import dev.agentlog.events.SealedPayload;
import dev.agentlog.events.Sealing;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Seals and opens payloads (the contract's shape: {@link Sealing}) with the subjects' data keys ({@link SubjectKeys}):
 * AES-256-GCM through Tink's {@link Aead}, the whole payload as the plaintext, the event id, type and subject as
 * associated data. The clear fields beside the ciphertext are checked against the ones inside when opened, so that
 * changing an id in clear is found out as surely as changing the ciphertext. Thread-safe.
 */
public final class PayloadCipher implements PayloadSealer, PayloadOpener {
    private final DataKeys keys;

    public PayloadCipher(DataKeys keys) {
        this.keys = keys;
    }

    /** The edge's codec (seals what it decodes from clients and what it is asked to seal) and the readers' (opens). */
    public EventCodec codec() {
        return EventCodec.standard().sealingWith(this).openingWith(this);
    }

    @Override
    public Event seal(Event event) throws InvalidEventException {
        if (event.payload() instanceof SealedPayload || event.type() == EventType.SUBJECT_ERASED) {
            return event;
        }
        String subject = Subjects.of(event);
        Aead aead;
        try {
            aead = keys.forSealing(subject);
        } catch (SubjectErasedException e) {
            throw new InvalidEventException("stream_id", RuleCode.NOT_ALLOWED, e.getMessage());
        } catch (IllegalStateException e) {
            // the key store (SubjectKeys) could not be read or the key not unwrapped: an outage, not the event's fault
            throw new KeysUnavailableException("the data key of subject " + subject + " cannot be had now", e);
        }
        ObjectNode plain = event.payload().toJson();
        byte[] ciphertext;
        try {
            ciphertext = aead.encrypt(EventCodec.JSON.writeValueAsBytes(plain),
                    Sealing.associatedData(event.eventId(), event.type(), subject));
        } catch (GeneralSecurityException | JsonProcessingException e) {
            throw new IllegalStateException("cannot seal event " + event.eventId(), e);
        }
        ObjectNode sealed = Sealing.clearPart(plain);
        ObjectNode inner = sealed.putObject(Sealing.FIELD);
        inner.put("v", Sealing.FORMAT);
        inner.put("subject", subject);
        inner.put("ct", Base64.getEncoder().encodeToString(ciphertext));
        return new Event(event.eventId(), event.type(), event.schemaVersion(), event.streamId(), event.streamSeq(),
                event.agentId(), event.organizationId(), event.occurredAt(), event.source(), event.actor(),
                event.tenant(), new SealedPayload(event.type(), event.schemaVersion(), sealed, false));
    }

    @Override
    public ObjectNode open(String eventId, EventType type, ObjectNode payload) throws InvalidEventException {
        return open(eventId, type, payload, EventCodec::parse);
    }

    @Override
    public ObjectNode open(String eventId, EventType type, ObjectNode payload, PlaintextParser parser)
            throws InvalidEventException {
        JsonNode sealed = payload.get(Sealing.FIELD);
        String subject = sealed.path("subject").asText("");
        if (subject.isEmpty()) {
            throw unreadable("has no subject");
        }
        Optional<Aead> aead = keys.forOpening(subject);
        if (aead.isEmpty()) {
            return null;
        }
        byte[] plain;
        try {
            byte[] ciphertext = Sealing.ciphertext(sealed.path("ct"));
            Optional<byte[]> opened = decrypt(subject, aead.get(), ciphertext,
                    Sealing.associatedData(eventId, type, subject));
            if (opened.isEmpty()) {
                return null;
            }
            plain = opened.get();
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw unreadable("does not open with the key of subject " + subject
                    + " (changed, or moved from another event)");
        }
        JsonNode opened = parser.parse(plain);
        if (!(opened instanceof ObjectNode object)) {
            throw unreadable("holds no JSON object");
        }
        Iterator<Map.Entry<String, JsonNode>> clear = payload.fields();
        while (clear.hasNext()) {
            Map.Entry<String, JsonNode> field = clear.next();
            if (!field.getKey().equals(Sealing.FIELD) && !field.getValue().equals(object.get(field.getKey()))) {
                throw unreadable("does not match its clear field " + field.getKey());
            }
        }
        return object;
    }

    /**
     * Seals bytes other than an event's payload with the subject's key (a snapshot's state of a stream: docs/replay.md),
     * bound to {@code associatedData}.
     *
     * @throws SubjectErasedException when the subject was erased
     */
    public byte[] sealBytes(String subject, byte[] plain, byte[] associatedData) {
        try {
            return keys.forSealing(subject).encrypt(plain, associatedData);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal for subject " + subject, e);
        }
    }

    /**
     * Opens what {@link #sealBytes} sealed; empty when the subject was erased.
     *
     * @throws IllegalStateException when it does not open (changed, or moved from another stream or subject)
     */
    public Optional<byte[]> openBytes(String subject, byte[] sealed, byte[] associatedData) {
        Optional<Aead> aead = keys.forOpening(subject);
        if (aead.isEmpty()) {
            return Optional.empty();
        }
        try {
            return decrypt(subject, aead.get(), sealed, associatedData);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a sealed snapshot record does not open with the key of subject " + subject
                    + " (changed, or moved from another stream)");
        }
    }

    /**
     * Decrypts with the subject's key; when that fails, asks the key store once more before giving up: a keyset
     * cached before a data-key rotation lacks the new key, which another process may already seal with
     * (docs/privacy.md, "Rotation"). Empty when the subject was erased meanwhile.
     */
    private Optional<byte[]> decrypt(String subject, Aead cached, byte[] ciphertext, byte[] associatedData)
            throws GeneralSecurityException {
        try {
            return Optional.of(cached.decrypt(ciphertext, associatedData));
        } catch (GeneralSecurityException stale) {
            keys.forget(List.of(subject));
            Optional<Aead> fresh = keys.forOpening(subject);
            if (fresh.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(fresh.get().decrypt(ciphertext, associatedData));
        }
    }

    @Override
    public void prefetch(Collection<String> subjects) {
        keys.prefetch(subjects);
    }

    @Override
    public void forget(Collection<String> subjects) {
        keys.forget(subjects);
    }

    private static InvalidEventException unreadable(String why) {
        return new InvalidEventException("payload." + Sealing.FIELD, RuleCode.UNREADABLE, why);
    }
}
