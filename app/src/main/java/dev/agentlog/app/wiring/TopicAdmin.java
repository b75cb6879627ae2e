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
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the three topics of contract section 4 when they are missing. Existing topics are left as
 * they are (an operator may have tuned them); their partition counts are logged.
 *
 * <p>On a cluster of {@value #CLUSTER_BROKERS} brokers or more the topics get at least {@value #CLUSTER_BROKERS}
 * replicas and {@code min.insync.replicas=2}, whatever {@code --replication-factor} says: with {@code acks=all} an
 * acknowledged event is then on two brokers at least, and writes go on while one broker is down.
 */
public final class TopicAdmin {
    private static final Logger log = LoggerFactory.getLogger(TopicAdmin.class);

    /** Brokers from which a cluster keeps three replicas of each topic. */
    static final int CLUSTER_BROKERS = 3;

    private TopicAdmin() {}

    /** The replication factor topics are created with on a cluster of {@code brokers}: at least 3 from 3 brokers. */
    static short replicationFactor(short requested, int brokers) {
        return brokers >= CLUSTER_BROKERS ? (short) Math.max(requested, CLUSTER_BROKERS) : requested;
    }

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
            int brokers = admin.describeCluster().nodes().get(60, TimeUnit.SECONDS).size();
            short replicas = replicationFactor(replicationFactor, brokers);
            List<NewTopic> missing = new ArrayList<>();
            // The log of record is kept forever: rebuild and point-in-time replay read it from the start.
            // A record batch holding one largest event must fit: the broker's default is about 1 MiB.
            String maxMessageBytes = Integer.toString(maxEventBytes + 64 * 1024);
            Map<String, String> common = new java.util.HashMap<>(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                    maxMessageBytes));
            if (replicas >= CLUSTER_BROKERS) {
                // an acks=all write needs two copies: one broker may go down without stopping writes or losing one
                common.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2");
            }
            Map<String, String> forever = new java.util.HashMap<>(common);
            forever.put(TopicConfig.RETENTION_MS_CONFIG, "-1");
            forever.put(TopicConfig.RETENTION_BYTES_CONFIG, "-1");
            add(missing, existing, topics.events(), partitions, replicas, forever);
            add(missing, existing, topics.dlq(), partitions, replicas, forever);
            Map<String, String> snapshots = new java.util.HashMap<>(common);
            snapshots.putAll(snapshotTopicConfig());
            add(missing, existing, topics.snapshots(), partitions, replicas, snapshots);
            // What ingest accepted is needed only until the processor has passed it on.
            Map<String, String> in = new java.util.HashMap<>(common);
            in.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(inRetentionMs));
            add(missing, existing, topics.in(), partitions, replicas, in);
            if (!missing.isEmpty()) {
                try {
                    admin.createTopics(missing).all().get(60, TimeUnit.SECONDS);
                    awaitLeaders(admin, missing.stream().map(NewTopic::name).toList());
                    log.info("created topics {} with {} partitions, replication factor {} ({} brokers)",
                            missing.stream().map(NewTopic::name).toList(), partitions, replicas, brokers);
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
     * Waits (at most a minute) until every partition of new topics has a leader that serves it. createTopics returns
     * when the controller has them, before the brokers lead them: an idempotent producer that writes at once meets
     * NOT_LEADER_OR_FOLLOWER, and on a loaded machine was seen to lose its sequence numbers after it
     * (OUT_OF_ORDER_SEQUENCE_NUMBER, retried until the batch expired). A leader in the metadata is not enough: the
     * broker's metadata cache names it a moment before the broker's partitions take the role (seen in a test's
     * producer on the embedded broker, 2026-12-07), so the partitions' end offsets are then asked of their leaders,
     * which answers only once they lead (the admin client retries NOT_LEADER_OR_FOLLOWER within its timeout).
     */
    private static void awaitLeaders(Admin admin, List<String> names) throws Exception {
        // a bounded poll of the cluster's state, not a wait for something of ours: after it, writes meet what they meet
        Map<String, TopicDescription> described;
        try {
            Poll.every(Duration.ofMillis(100)).until(Duration.ofSeconds(60), () -> led(admin, names));
            described = admin.describeTopics(names).allTopicNames().get(60, TimeUnit.SECONDS);
        } catch (CompletionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
        Map<TopicPartition, OffsetSpec> partitions = new java.util.HashMap<>();
        described.values().forEach(topic -> topic.partitions().forEach(
                p -> partitions.put(new TopicPartition(topic.name(), p.partition()), OffsetSpec.latest())));
        admin.listOffsets(partitions).all().get(60, TimeUnit.SECONDS);
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
