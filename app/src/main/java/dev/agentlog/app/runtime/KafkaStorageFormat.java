package dev.agentlog.app.runtime;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import kafka.server.KafkaConfig;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Formats the broker's log and metadata directories, as {@code kafka-storage.sh format} would; idempotent. */
final class KafkaStorageFormat {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaStorageFormat.class);

    private KafkaStorageFormat() {
    }

    static void formatIfNeeded(KafkaConfig config, String clusterId) throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Formatter formatter = new Formatter()
                .setPrintStream(new PrintStream(output, true, StandardCharsets.UTF_8))
                .setNodeId(config.nodeId())
                .setClusterId(clusterId)
                // A restart finds the directories formatted: keep them as they are.
                .setIgnoreFormatted(true)
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .setControllerListenerName(config.controllerListenerNames().get(0))
                .setMetadataLogDirectory(config.metadataLogDir());
        config.logDirs().forEach(formatter::addDirectory);
        formatter.addDirectory(config.metadataLogDir());
        // No setInitialControllers/setHasDynamicQuorum: the quorum is static (controller.quorum.voters).
        formatter.run();
        LOG.debug("Kafka storage format: {}", output.toString(StandardCharsets.UTF_8).trim());
    }
}
