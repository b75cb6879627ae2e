package dev.agentlog.app.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One node of a KRaft cluster whose nodes are each broker and controller at once (combined mode): its id, the host
 * its listeners bind and advertise, and the controller quorum ({@code id@host:port,...}, every node of the cluster).
 * The embedded broker of {@code up} is the cluster of one: {@link #single}.
 *
 * @param nodeId       this node's {@code node.id}, one of the voters
 * @param host         where the broker and controller listeners bind, and the address clients are told
 * @param quorumVoters {@code controller.quorum.voters}: {@code 1@h1:9093,2@h2:9093,3@h3:9093}
 */
public record KafkaNode(int nodeId, String host, String quorumVoters) {
    private static final Pattern VOTER = Pattern.compile("(\\d+)@([^:@,\\s]+):(\\d{1,5})");

    /** A voter of the quorum. */
    public record Voter(int id, String host, int port) {}

    public KafkaNode {
        List<Voter> voters = parse(quorumVoters);
        if (voters.stream().noneMatch(v -> v.id() == nodeId)) {
            throw new IllegalArgumentException("node id " + nodeId + " is not among the controller quorum voters "
                    + quorumVoters);
        }
    }

    /** The cluster of one node, on loopback: node 1, its own controller the only voter. */
    public static KafkaNode single(int controllerPort) {
        return new KafkaNode(1, LocalPorts.LOOPBACK, "1@" + LocalPorts.LOOPBACK + ":" + controllerPort);
    }

    /** The voters of {@code quorumVoters}, in order; IllegalArgumentException saying what is wrong. */
    public static List<Voter> parse(String quorumVoters) {
        if (quorumVoters == null || quorumVoters.isBlank()) {
            throw new IllegalArgumentException("the controller quorum voters must not be empty (id@host:port,...)");
        }
        List<Voter> voters = new ArrayList<>();
        for (String part : quorumVoters.split(",")) {
            Matcher m = VOTER.matcher(part.trim());
            if (!m.matches()) {
                throw new IllegalArgumentException("a controller quorum voter must be id@host:port, was '" + part + "'");
            }
            Voter voter = new Voter(Integer.parseInt(m.group(1)), m.group(2), Integer.parseInt(m.group(3)));
            if (voters.stream().anyMatch(v -> v.id() == voter.id())) {
                throw new IllegalArgumentException("node id " + voter.id() + " is twice among the controller quorum"
                        + " voters " + quorumVoters);
            }
            voters.add(voter);
        }
        return voters;
    }

    /** Nodes in the cluster (each a broker too). */
    public int clusterSize() {
        return parse(quorumVoters).size();
    }

    /**
     * Replicas of Kafka's internal topics (offsets, transactions) and of topics created without a factor: 3 on a
     * cluster of three nodes or more, else every node.
     */
    int replicationFactor() {
        return Math.min(3, clusterSize());
    }

    /** In-sync replicas an acks=all write needs: 2 of 3, so that one node may be lost without losing a write. */
    int minInsyncReplicas() {
        return clusterSize() >= 3 ? 2 : 1;
    }
}
