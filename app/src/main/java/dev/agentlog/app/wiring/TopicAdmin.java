package dev.agentlog.app.wiring;

import dev.agentlog.events.Topics;
import dev.agentlog.support.time.Poll;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the three topics of contract section 4 when they are missing. Existing topics are left as
 * they are (an operator may have tuned them); their partition counts are logged.
 */
public final class TopicAdmin {
    private static final Logger log = LoggerFactory.getLogger(TopicAdmin.class);

    private TopicAdmin() {}

    public static void ensureTopics(String bootstrapServers, Topics topics, int partitions, short replicationFactor,
            long inRetentionMs, int maxEventBytes) {
        ensureTopics(KafkaClients.plain(bootstrapServers), topics, partitions, replicationFactor, inRetentionMs,
                maxEventBytes);
    }

    public static void ensureTopics(KafkaClients kafka, Topics topics, int partitions, short replicationFactor,
            long inRetentionMs, int maxEventBytes) {
        String bootstrapServers = kafka.bootstrapServers();
        Properties props = new Properties();
        props.putAll(kafka.common());
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000);
        try (Admin admin = Admin.create(props)) {
            Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            // The log of record is kept forever: rebuild and point-in-time replay read it from the start.
            // A record batch holding one largest event must fit: the broker's default is about 1 MiB.
            String maxMessageBytes = Integer.toString(maxEventBytes + 64 * 1024);
            Map<String, String> forever = Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1",
                    TopicConfig.RETENTION_BYTES_CONFIG, "-1", TopicConfig.MAX_MESSAGE_BYTES_CONFIG, maxMessageBytes);
            add(missing, existing, topics.events(), partitions, replicationFactor, forever);
            add(missing, existing, topics.dlq(), partitions, replicationFactor, forever);
            add(missing, existing, topics.snapshots(), partitions, replicationFactor, snapshotTopicConfig());
            // What ingest accepted is needed only until the processor has passed it on.
            add(missing, existing, topics.in(), partitions, replicationFactor,
                    Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(inRetentionMs),
                            TopicConfig.MAX_MESSAGE_BYTES_CONFIG, maxMessageBytes));
            if (!missing.isEmpty()) {
                try {
                    admin.createTopics(missing).all().get(60, TimeUnit.SECONDS);
                    awaitLeaders(admin, missing.stream().map(NewTopic::name).toList());
                    log.info("created topics {} with {} partitions, replication factor {}",
                            missing.stream().map(NewTopic::name).toList(), partitions, replicationFactor);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (Exception e) {
            throw KafkaAccess.failure("cannot create the agentlog topics", kafka, e);
        }
    }

    /** Largest snapshot record of one stream (an agent with a long history of messages is one record). */
    public static final int SNAPSHOT_MAX_RECORD_BYTES = 64 << 20;

    /** The snapshots' topic: one record per stream, compacted, so it holds each stream's latest snapshot for good. */
    static Map<String, String> snapshotTopicConfig() {
        return Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                TopicConfig.RETENTION_MS_CONFIG, "-1", TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                Integer.toString(SNAPSHOT_MAX_RECORD_BYTES + 64 * 1024));
    }

    /** Creates the snapshots' topic when it is missing (agentlog snapshot). */
    public static void ensureSnapshotTopic(KafkaClients kafka, Topics topics, int partitions, short replicationFactor) {
        Properties props = new Properties();
        props.putAll(kafka.common());
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            add(missing, existing, topics.snapshots(), partitions, replicationFactor, snapshotTopicConfig());
            if (!missing.isEmpty()) {
                try {
                    admin.createTopics(missing).all().get(60, TimeUnit.SECONDS);
                    awaitLeaders(admin, List.of(topics.snapshots()));
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating " + topics.snapshots(), e);
        } catch (Exception e) {
            throw KafkaAccess.failure("cannot create the topic " + topics.snapshots(), kafka, e);
        }
    }

    /**
     * Waits (at most a minute) until every partition of new topics has a leader. createTopics returns when the
     * controller has them, before the brokers lead them: an idempotent producer that writes at once meets
     * NOT_LEADER_OR_FOLLOWER, and on a loaded machine was seen to lose its sequence numbers after it
     * (OUT_OF_ORDER_SEQUENCE_NUMBER, retried forever).
     */
    private static void awaitLeaders(Admin admin, List<String> names) throws Exception {
        // a bounded poll of the cluster's state, not a wait for something of ours: after it, writes meet what they meet
        try {
            Poll.every(Duration.ofMillis(100)).until(Duration.ofSeconds(60), () -> led(admin, names));
        } catch (CompletionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /** Whether every partition of the topics has a leader; a failure but "not known yet" ends the poll (a CompletionException). */
    private static boolean led(Admin admin, List<String> names) {
        try {
            return admin.describeTopics(names).allTopicNames().get(60, TimeUnit.SECONDS).values().stream()
                    .allMatch(topic -> topic.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false; // the broker asked has not heard of the new topic yet
            }
            throw new CompletionException(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new CompletionException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CompletionException(e);
        }
    }

    private static void add(List<NewTopic> missing, Set<String> existing, String name, int partitions,
            short replicationFactor, Map<String, String> config) {
        if (!existing.contains(name)) {
            missing.add(new NewTopic(name, partitions, replicationFactor).configs(config));
        }
    }
}
