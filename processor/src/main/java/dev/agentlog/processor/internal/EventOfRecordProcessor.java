package dev.agentlog.processor.internal;

import dev.agentlog.events.DeadLetterHeaders;
import dev.agentlog.events.DeadLetterReason;
import dev.agentlog.events.Event;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.InvalidEventException;
import dev.agentlog.events.RecordPosition;
import dev.agentlog.events.RefusedBy;
import dev.agentlog.events.Refusal;
import dev.agentlog.events.RuleCode;
import dev.agentlog.processor.ProcessorMetrics;
import dev.agentlog.processor.ProcessorSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one input record into an event of record, a dead letter, or nothing (a duplicate), per stream in
 * position order. One instance per task (partition of the input topic), driven by one stream thread: no
 * locking. Every decision reads and writes only this task's stores, which Kafka Streams commits in the same
 * transaction as the output records (exactly_once_v2), so a crash replays the input against the state as
 * of the last commit and nothing is passed twice or lost.
 *
 * <p>Rules, in order, for a decoded event of stream S with position p (the stream's next position is
 * {@code last + 1}):
 * <ol>
 *   <li>event_id passed within the de-duplication retention: duplicate, dropped (the event_id wins over any
 *       stream_seq it carries).</li>
 *   <li>S has an owner ({@link StreamTenants}: the tenant of its first event of record, or no tenant) and the
 *       event's tenant is another (a tenant, or none, on a stream of another): {@code tenant}, to the
 *       dead-letter topic; it takes no position. A stream with no event of record yet has no owner: the event
 *       that passes first claims it, and a held event of another tenant is refused when its turn comes (its
 *       position stays free).</li>
 *   <li>no stream_seq: it takes {@code last + 1} now, stamped into the event of record; it does not wait for
 *       a gap that sequenced events of the same stream left open (and so may fill it: the producer's late
 *       event for that position is then a conflict). A stream should be written either with stream_seq or
 *       without; mixing works but first come, first placed.</li>
 *   <li>p &lt;= last: the position's owner decides: the same event_id is a duplicate (dropped), any other is
 *       a {@code conflict} naming both ids; a position given up after a gap timeout, or whose owner is older
 *       than the retention, is a conflict too (never silently dropped).</li>
 *   <li>p == last + 1: passes.</li>
 *   <li>p &gt; last + 1: held (a second arrival at a held position is a duplicate or a conflict) until the
 *       missing positions arrive, then released in order with every held successor.</li>
 * </ol>
 * A wall-clock punctuation gives up a stream's gap once its oldest held event has waited
 * {@code gapTimeoutMs}: all of that stream's held events go to the dead-letter topic with reason
 * {@code gap} (naming the missing positions), the missing and held positions count as used, and the stream
 * continues at the highest held position + 1. A missing event that arrives later, or a given-up one
 * re-sent, is then a conflict: re-send such events without stream_seq to append them.
 *
 * <p>Longer than this project's 400 lines on purpose: the rules above are one decision over the same task stores
 * (event ids, positions, held events, stream owners), and giving up a gap is the other half of holding; cut apart,
 * each part would take every store and the order of the rules would no longer read in one place. What is not a
 * decision lives beside it: the held-record format ({@link HeldRecord}), the owners ({@link StreamTenants}), the
 * {@code stream_seq} splice ({@link StreamSeqSplice}).
 */
public final class EventOfRecordProcessor implements Processor<byte[], byte[], byte[], byte[]> {
    private static final Logger log = LoggerFactory.getLogger(EventOfRecordProcessor.class);
    /** Missing positions named in one gap rule; past this the rule says how many more. */
    private static final int MAX_MISSING_RANGES_NAMED = 20;
    /** Expired history is purged once a second, at most this many entries a time, so no purge stalls the task. */
    static final Duration PURGE_INTERVAL = Duration.ofSeconds(1);
    static final int PURGE_BATCH = 20_000;

    private final EventCodec codec;
    private final ProcessorSettings settings;
    private final ProcessorMetrics metrics;
    private final String eventsNode;
    private final String dlqNode;
    private final Shortcuts shortcuts;
    /** Held events per stream of this task ({@link Shortcuts#heldStreamsInMemory()}): a stream absent has none. */
    private final Map<String, Integer> heldByStream = new HashMap<>();

    private ProcessorContext<byte[], byte[]> context;
    private RetainedHistory history;
    private KeyValueStore<String, Long> positions;
    private StreamTenants tenants;
    private KeyValueStore<Bytes, byte[]> held;
    private AtomicLong waiting;

    public EventOfRecordProcessor(EventCodec codec, ProcessorSettings settings, ProcessorMetrics metrics,
            String eventsNode, String dlqNode, Shortcuts shortcuts) {
        this.shortcuts = shortcuts;
        this.codec = codec;
        this.settings = settings;
        this.metrics = metrics;
        this.eventsNode = eventsNode;
        this.dlqNode = dlqNode;
    }

    /** How often the gap timeout is checked: a quarter of it, between 10 ms and 1 s. */
    public static Duration punctuationInterval(long gapTimeoutMs) {
        return Duration.ofMillis(Math.max(10, Math.min(1_000, gapTimeoutMs / 4)));
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        history = new RetainedHistory(context.getStateStore(StoreNames.EVENT_IDS),
                context.getStateStore(StoreNames.POSITION_OWNERS), context.getStateStore(StoreNames.EXPIRY_INDEX),
                settings.dedupeRetentionMs(), shortcuts.chunkedExpiryIndex());
        positions = context.getStateStore(StoreNames.STREAM_POSITIONS);
        tenants = new StreamTenants(context.getStateStore(StoreNames.STREAM_TENANTS));
        held = context.getStateStore(StoreNames.HELD_EVENTS);
        waiting = metrics.trackWaiting(this);
        waiting.set(countHeld()); // and which streams hold them
        context.schedule(punctuationInterval(settings.gapTimeoutMs()), PunctuationType.WALL_CLOCK_TIME,
                this::expireGaps);
        context.schedule(PURGE_INTERVAL, PunctuationType.WALL_CLOCK_TIME,
                now -> history.purge(now, PURGE_BATCH));
        if (waiting.get() > 0) {
            log.info("[task {}] {} event(s) waiting behind gaps after restore", context.taskId(), waiting.get());
        }
    }

    @Override
    public void close() {
        metrics.untrackWaiting(this);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordPosition origin = positionOf(context.recordMetadata());
        if (record.value() == null) {
            deadLetter(record.key(), null, record.headers(), record.timestamp(), origin,
                    Refusal.of(new InvalidEventException("$", RuleCode.NOT_JSON,
                            "is empty (a null value); an event is a JSON object")));
            return;
        }
        Event event;
        try {
            // the one decode of this event in the processor: held or passed, it is not read again
            event = codec.decode(record.value());
        } catch (InvalidEventException e) {
            deadLetter(record.key(), record.value(), record.headers(), record.timestamp(), origin, Refusal.of(e));
            return;
        }
        byte[] expectedKey = event.streamId().getBytes(StandardCharsets.UTF_8);
        if (!Arrays.equals(expectedKey, record.key())) {
            deadLetter(record.key(), record.value(), record.headers(), record.timestamp(), origin,
                    Refusal.of(new InvalidEventException("key", RuleCode.KEY_MISMATCH, "must be the event's stream_id '"
                            + event.streamId() + "' in UTF-8 (the key picks the partition, and so the order of the "
                            + "stream), was " + describeKey(record.key()))));
            return;
        }
        accept(event, new Arrival(event.eventId(), event.streamId(), event.tenant(), record.key(), record.value(),
                record.headers(), record.timestamp(), origin));
    }

    private void accept(Event event, Arrival arrival) {
        String stream = arrival.streamId();
        long time = context.currentSystemTimeMs();
        if (history.passed(arrival.eventId(), time)) {
            duplicate(arrival, "its event_id is already in the log of record");
            return;
        }
        long last = lastPosition(stream);
        StreamTenants.Owner owner = tenants.ownerOf(stream, last);
        if (owner != null && !owner.admits(arrival.tenant())) {
            wrongTenant(arrival, owner);
            return;
        }
        Long seq = event.streamSeq();
        if (seq == null || seq == last + 1) {
            pass(arrival, ofRecord(event, arrival.value(), last + 1), last + 1, time,
                    StreamTenants.claimedByNextToPass(owner));
            releaseSuccessors(stream, time);
        } else if (seq <= last) {
            positionAlreadyUsed(arrival, seq, last, time);
        } else {
            hold(event, arrival, seq, last);
        }
    }

    /**
     * The value of record of an event at {@code position}: the value as it came with that stream_seq, set in its text
     * ({@link StreamSeqSplice}); the event encoded only when its text is not the simple case (an upcast payload).
     */
    private byte[] ofRecord(Event event, byte[] value, long position) {
        return StreamSeqSplice.valueOfRecord(codec, event, value, position);
    }

    private void positionAlreadyUsed(Arrival arrival, long seq, long last, long time) {
        String stream = arrival.streamId();
        String eventId = arrival.eventId();
        PositionOwner owner = history.ownerOf(new StreamPositionKey(stream, seq), time);
        String resend = " Re-send it without stream_seq to append it at the end of the stream.";
        if (owner == null) {
            conflict(arrival, "stream_seq: position " + seq + " of stream '" + stream + "' is behind the next position "
                    + (last + 1) + " and its owner is no longer known (skipped when a gap timed out, or older than the "
                    + "de-duplication retention of " + settings.dedupeRetentionMs() + " ms); event '" + eventId
                    + "' cannot take it." + resend);
        } else if (owner.givenUp()) {
            conflict(arrival, "stream_seq: position " + seq + " of stream '" + stream + "' was given up when its gap "
                    + "timed out (event '" + owner.eventId() + "' went to the dead-letter topic with reason gap); "
                    + "event '" + eventId + "' cannot take it." + resend);
        } else if (owner.eventId().equals(eventId)) {
            duplicate(arrival, "position " + seq + " already holds this event_id");
        } else {
            conflict(arrival, "stream_seq: position " + seq + " of stream '" + stream + "' is taken by event '"
                    + owner.eventId() + "'; event '" + eventId + "' conflicts with it." + resend);
        }
    }

    private void hold(Event event, Arrival arrival, long seq, long last) {
        String stream = arrival.streamId();
        Bytes key = new StreamPositionKey(stream, seq).toBytes();
        byte[] existing = held.get(key);
        if (existing != null) {
            String waitingId = HeldRecord.fromBytes(existing).eventId();
            if (waitingId.equals(arrival.eventId())) {
                duplicate(arrival, "it is already waiting at position " + seq);
            } else {
                conflict(arrival, "stream_seq: position " + seq + " of stream '" + stream + "' is taken by event '"
                        + waitingId + "' (waiting for position " + (last + 1) + "); event '"
                        + arrival.eventId() + "' conflicts with it.");
            }
            return;
        }
        // kept with its value of record and tenant: its release needs no second decode
        held.put(key, new HeldRecord(arrival.eventId(), arrival.tenant(), context.currentSystemTimeMs(),
                arrival.timestamp(), arrival.origin(), arrival.key(), arrival.value(),
                ofRecord(event, arrival.value(), seq), arrival.headers()).toBytes());
        waiting.incrementAndGet();
        heldByStream.merge(stream, 1, Integer::sum);
        metrics.held();
        log.debug("[{}] stream '{}': event '{}' at position {} waits for position {}", arrival.origin(), stream,
                arrival.eventId(), seq, last + 1);
    }

    /**
     * @param ofRecord the value of record: the event with stream_seq {@code position}
     * @param claims whether the stream's owner is not recorded yet: this event, its first of record (or the first
     *     on a stream of before tenants), records its tenant as the owner
     */
    private void pass(Arrival arrival, byte[] ofRecord, long position, long time, boolean claims) {
        history.recordPassed(arrival.eventId(), new StreamPositionKey(arrival.streamId(), position), time);
        positions.put(arrival.streamId(), position);
        if (claims) {
            tenants.claim(arrival.streamId(), arrival.tenant());
        }
        context.forward(new Record<>(arrival.key(), ofRecord, arrival.timestamp(), arrival.headers()), eventsNode);
        metrics.passed();
    }

    /** After position {@code last} passed: every held event at last+1, last+2, ... passes too, in order. */
    private void releaseSuccessors(String stream, long time) {
        if (shortcuts.heldStreamsInMemory() && !heldByStream.containsKey(stream)) {
            return; // nothing held on this stream: no successor to look up
        }
        long next = lastPosition(stream) + 1;
        while (true) {
            Bytes key = new StreamPositionKey(stream, next).toBytes();
            byte[] raw = held.get(key);
            if (raw == null) {
                return;
            }
            held.delete(key);
            released(stream, 1);
            waiting.decrementAndGet();
            HeldRecord record = HeldRecord.fromBytes(raw);
            if (record.ofRecord() == null) {
                record = completed(record, stream, next); // held by a version that kept less
                if (record == null) {
                    next++;
                    continue;
                }
            }
            Arrival arrival = new Arrival(record.eventId(), stream, record.tenant(), record.key(), record.value(),
                    record.headers(), record.timestamp(), record.origin());
            if (history.passed(record.eventId(), time)) {
                // The same event_id passed meanwhile (re-sent without stream_seq): its held copy only uses up
                // the position.
                history.recordOwner(new StreamPositionKey(stream, next), PositionOwner.passed(record.eventId()), time);
                positions.put(stream, next);
                duplicate(arrival, "its event_id passed while it waited at position " + next);
            } else {
                StreamTenants.Owner owner = tenants.ownerOf(stream, next - 1);
                if (owner != null && !owner.admits(record.tenant())) {
                    // Held before the stream had an owner; another tenant's event claimed it meanwhile. The
                    // position stays free for the owner's own event, and the events behind it keep waiting.
                    wrongTenant(arrival, owner);
                    return;
                }
                pass(arrival, record.ofRecord(), next, time, StreamTenants.claimedByNextToPass(owner));
            }
            next++;
        }
    }

    /**
     * A record held in format 1 (tenant and value of record not kept) with both, decoded from its value; null when
     * it no longer decodes (only a changed codec between restarts can do that): then it is dead-lettered and uses up
     * its position.
     */
    private HeldRecord completed(HeldRecord record, String stream, long position) {
        try {
            Event event = codec.decode(record.value());
            return new HeldRecord(record.eventId(), event.tenant(), record.heldSinceMs(), record.timestamp(),
                    record.origin(), record.key(), record.value(), ofRecord(event, record.value(), position),
                    record.headers());
        } catch (InvalidEventException e) {
            positions.put(stream, position);
            deadLetter(record.key(), record.value(), record.headers(), record.timestamp(), record.origin(),
                    Refusal.of(e));
            return null;
        }
    }

    /** Wall-clock punctuation: gives up the gaps whose oldest held event has waited the gap timeout. */
    private void expireGaps(long now) {
        // First pass reads only stream ids and hold times; values are read only for the streams given up.
        Map<String, Long> oldestByStream = new LinkedHashMap<>();
        long count = 0;
        heldByStream.clear(); // recounted from the store itself
        try (KeyValueIterator<Bytes, byte[]> all = held.all()) {
            while (all.hasNext()) {
                KeyValue<Bytes, byte[]> entry = all.next();
                String stream = StreamPositionKey.fromBytes(entry.key).streamId();
                oldestByStream.merge(stream, HeldRecord.heldSinceOf(entry.value), Math::min);
                heldByStream.merge(stream, 1, Integer::sum);
                count++;
            }
        }
        waiting.set(count);
        oldestByStream.forEach((stream, oldest) -> {
            if (now - oldest >= settings.gapTimeoutMs()) {
                giveUpGap(stream, heldOf(stream), now);
            }
        });
    }

    /** The held events of one stream in position order. */
    private List<KeyValue<Long, HeldRecord>> heldOf(String stream) {
        List<KeyValue<Long, HeldRecord>> events = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> range = held.range(new StreamPositionKey(stream, 0).toBytes(),
                new StreamPositionKey(stream, Long.MAX_VALUE).toBytes())) {
            while (range.hasNext()) {
                KeyValue<Bytes, byte[]> entry = range.next();
                events.add(KeyValue.pair(StreamPositionKey.fromBytes(entry.key).position(),
                        HeldRecord.fromBytes(entry.value)));
            }
        }
        return events;
    }

    private void giveUpGap(String stream, List<KeyValue<Long, HeldRecord>> waitingEvents, long now) {
        long last = lastPosition(stream);
        if (last == 0) {
            tenants.keepUnclaimed(stream); // positions get used below, yet no event of record claimed the stream
        }
        long highest = waitingEvents.get(waitingEvents.size() - 1).key;
        String missing = missingPositions(last, waitingEvents);
        long time = now;
        for (KeyValue<Long, HeldRecord> entry : waitingEvents) {
            HeldRecord record = entry.value;
            Bytes key = new StreamPositionKey(stream, entry.key).toBytes();
            held.delete(key);
            released(stream, 1);
            history.recordOwner(new StreamPositionKey(stream, entry.key), PositionOwner.gaveUp(record.eventId()), time);
            deadLetter(record.key(), record.value(), record.headers(), record.timestamp(), record.origin(),
                    Refusal.of(DeadLetterReason.GAP, "stream_seq: position " + entry.key + " of stream '" + stream
                            + "' waited " + (now - record.heldSinceMs()) + " ms for the missing position(s) " + missing
                            + " (gap timeout " + settings.gapTimeoutMs() + " ms); the stream continues at position "
                            + (highest + 1) + ". Re-send the missing events and this one without stream_seq to append "
                            + "them."));
        }
        positions.put(stream, highest);
        waiting.addAndGet(-waitingEvents.size());
        metrics.gapExpired();
        log.warn("stream '{}': gave up waiting for position(s) {} after {} ms; {} held event(s) sent to the "
                        + "dead-letter topic with reason gap; the stream continues at position {}", stream, missing,
                settings.gapTimeoutMs(), waitingEvents.size(), highest + 1);
    }

    /** The positions after {@code last} up to the highest held one that nobody holds, as ranges: "5, 7-9". */
    static String missingPositions(long last, List<KeyValue<Long, HeldRecord>> waitingEvents) {
        List<String> ranges = new ArrayList<>();
        long expected = last + 1;
        long more = 0;
        for (KeyValue<Long, HeldRecord> entry : waitingEvents) {
            if (entry.key > expected) {
                if (ranges.size() < MAX_MISSING_RANGES_NAMED) {
                    ranges.add(entry.key - 1 == expected ? Long.toString(expected) : expected + "-" + (entry.key - 1));
                } else {
                    more++;
                }
            }
            expected = entry.key + 1;
        }
        return String.join(", ", ranges) + (more > 0 ? " and " + more + " more range(s)" : "");
    }

    private void duplicate(Arrival arrival, String why) {
        metrics.duplicate();
        log.debug("[{}] stream '{}': dropped duplicate event '{}': {}", arrival.origin(), arrival.streamId(),
                arrival.eventId(), why);
    }

    private void conflict(Arrival arrival, String rule) {
        metrics.conflict();
        deadLetter(arrival.key(), arrival.value(), arrival.headers(), arrival.timestamp(), arrival.origin(),
                Refusal.of(DeadLetterReason.CONFLICT, rule));
    }

    private void wrongTenant(Arrival arrival, StreamTenants.Owner owner) {
        deadLetter(arrival.key(), arrival.value(), arrival.headers(), arrival.timestamp(), arrival.origin(),
                Refusal.of(DeadLetterReason.TENANT, "tenant: stream '" + arrival.streamId() + "' belongs to "
                        + owner.describe() + " (the tenant of its first event); event '" + arrival.eventId() + "' of "
                        + StreamTenants.Owner.describe(arrival.tenant()) + " cannot join it. Write it with a key of "
                        + "the stream's tenant, or to a stream of its own."));
    }

    private void deadLetter(byte[] key, byte[] value, Headers headers, long timestamp, RecordPosition origin,
            Refusal refusal) {
        Headers deadLetterHeaders = DeadLetterHeaders.of(headers, refusal, origin,
                Instant.ofEpochMilli(context.currentSystemTimeMs()), RefusedBy.PROCESSOR);
        context.forward(new Record<>(key, value, timestamp, deadLetterHeaders), dlqNode);
        metrics.deadLettered(refusal.reason());
        log.warn("[{}] refused ({}): {}", origin, refusal.reason(), refusal.rule());
    }

    private static RecordPosition positionOf(Optional<RecordMetadata> metadata) {
        return metadata.map(m -> new RecordPosition(m.topic(), m.partition(), m.offset())).orElse(RecordPosition.UNKNOWN);
    }

    private long lastPosition(String stream) {
        Long last = positions.get(stream);
        return last == null ? 0 : last;
    }

    private long countHeld() {
        long count = 0;
        heldByStream.clear();
        try (KeyValueIterator<Bytes, byte[]> all = held.all()) {
            while (all.hasNext()) {
                heldByStream.merge(StreamPositionKey.fromBytes(all.next().key).streamId(), 1, Integer::sum);
                count++;
            }
        }
        return count;
    }

    /** {@code count} events of {@code stream} left the held-events store. */
    private void released(String stream, int count) {
        heldByStream.computeIfPresent(stream, (s, n) -> n > count ? n - count : null);
    }

    private static String describeKey(byte[] key) {
        return key == null ? "null" : "'" + new String(key, StandardCharsets.UTF_8) + "'";
    }

    /**
     * An input record with what passing, holding or refusing it needs of its event (decoded on arrival, or kept with
     * it while it was held).
     */
    private record Arrival(String eventId, String streamId, String tenant, byte[] key, byte[] value, Headers headers,
            long timestamp, RecordPosition origin) {}
}
