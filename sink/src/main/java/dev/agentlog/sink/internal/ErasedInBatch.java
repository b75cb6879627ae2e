package dev.agentlog.sink.internal;

import dev.agentlog.events.Event;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.SealedPayload;
import dev.agentlog.events.SubjectErased;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A batch decoded at once holds events opened before the batch's {@code subject.erased} was seen: the sealed events of
 * the erased subjects after it are made erased too (nothing of them is applied, their events rows keep the erased
 * form, as a rebuild, which finds their keys destroyed, writes them), and the codec forgets the subjects' keys, so that
 * the next batch asks the key store, which knows them erased. An event that was never sealed is applied as any reader
 * of the log applies it: nothing can shred it.
 */
public final class ErasedInBatch {
    private ErasedInBatch() {}

    public static List<DecodedRecord> apply(List<DecodedRecord> batch, EventCodec codec) {
        Set<String> erased = null;
        List<DecodedRecord> out = null;
        for (int i = 0; i < batch.size(); i++) {
            DecodedRecord decoded = batch.get(i);
            Event event = decoded.event();
            if (event == null) {
                continue;
            }
            if (event.payload() instanceof SubjectErased subjects) {
                if (erased == null) {
                    erased = new HashSet<>();
                    out = new ArrayList<>(batch);
                }
                List<String> streams = new ArrayList<>(subjects.agents());
                streams.addAll(subjects.blocks());
                streams.addAll(subjects.archives());
                erased.addAll(streams);
                codec.forget(streams);
            } else if (erased != null && erased.contains(event.streamId()) && decoded.wasSealed()
                    && !(event.payload() instanceof SealedPayload)) {
                Event blank = new Event(event.eventId(), event.type(), event.schemaVersion(), event.streamId(),
                        event.streamSeq(), event.agentId(), event.organizationId(), event.occurredAt(), event.source(),
                        event.actor(), event.tenant(), SealedPayload.erasedOf(event.type()));
                out.set(i, DecodedRecord.erased(decoded.record(), blank));
            }
        }
        return out != null ? out : batch;
    }

}
