package dev.agentlog.app.wiring;

import dev.agentlog.support.kafka.KafkaFailures;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Whether agentlog's clients can reach and log in to Kafka, asked once at start so that a wrong password or a
 * missing TLS setting stops a command with one clear line (the broker, the protocol, the mechanism, what to check)
 * instead of clients retrying in the background. The messages hold no secret: Kafka's own exception messages name
 * the mechanism, never the credentials.
 */
public final class KafkaAccess {
    private static final long TIMEOUT_MS = 30_000;

    private KafkaAccess() {}

    /**
     * Connects, logs in and describes the cluster.
     *
     * @throws KafkaLoginException   when Kafka refuses the credentials or the TLS handshake (a setting to fix)
     * @throws IllegalStateException when Kafka does not answer in time
     */
    public static void check(KafkaClients kafka) {
        Properties props = new Properties();
        props.putAll(kafka.common());
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT_MS);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT_MS);
        try (Admin admin = Admin.create(props)) {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) TIMEOUT_MS)).nodes()
                    .get(TIMEOUT_MS + 5_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to Kafka at " + kafka.bootstrapServers(), e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            throw failure("cannot use Kafka", kafka, e);
        }
    }

    /**
     * The exception to stop with when {@code what} failed against Kafka: a refusal of agentlog itself (the TLS
     * handshake, the credentials, an ACL: {@link KafkaFailures#access}), or "not reachable".
     */
    public static RuntimeException failure(String what, KafkaClients kafka, Throwable e) {
        String where = "Kafka at " + kafka.bootstrapServers() + " (security.protocol "
                + kafka.securityProtocol() + mechanism(kafka) + ")";
        Optional<KafkaFailures.Refusal> refusal = KafkaFailures.refusal(e);
        if (refusal.isPresent()) {
            Throwable cause = refusal.get().cause();
            return new KafkaLoginException(switch (refusal.get().access()) {
                case TLS_HANDSHAKE -> what + ": the TLS handshake with " + where + " failed: " + cause.getMessage()
                        + " (check ssl.truststore.* in --kafka-config: it must hold the CA of the brokers' certificates)";
                case AUTHENTICATION -> what + ": " + where + " refused agentlog's credentials: " + cause.getMessage()
                        + " (check sasl.mechanism and the user and password of sasl.jaas.config in --kafka-config)";
                case AUTHORIZATION -> what + ": " + where + " does not allow it: " + cause.getMessage()
                        + " (grant agentlog's user the ACLs of docs/kafka.md)";
            }, e);
        }
        Throwable cause = deepest(e);
        boolean timedOut = cause instanceof TimeoutException
                || cause instanceof org.apache.kafka.common.errors.TimeoutException;
        return new IllegalStateException(what + ": " + where + (timedOut ? " did not answer in time"
                : " failed: " + cause.getMessage()) + " (is it reachable? check"
                + " --bootstrap-servers; a cluster that needs TLS or SASL needs security.protocol and the rest in"
                + " --kafka-config)", e);
    }

    private static String mechanism(KafkaClients kafka) {
        Object mechanism = kafka.overrides().get("sasl.mechanism");
        return kafka.securityProtocol().startsWith("SASL") ? ", sasl.mechanism " + (mechanism == null ? "GSSAPI"
                : mechanism) : "";
    }

    private static Throwable deepest(Throwable e) {
        Throwable deepest = e;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            deepest = t;
        }
        return deepest;
    }

    /** Kafka refused the login or the TLS handshake: a setting to fix, nothing was started (exit code 2). */
    public static final class KafkaLoginException extends IllegalArgumentException {
        KafkaLoginException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
