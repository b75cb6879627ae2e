package dev.agentlog.app.cli;

import dev.agentlog.app.settings.Check;
import dev.agentlog.app.settings.Setting;
import dev.agentlog.app.settings.SettingGroup;

/** Where a part without an HTTP API of its own serves /metrics. */
public final class MetricsOptions extends SettingGroup {
    public static final Setting<Integer> METRICS_PORT = Setting.port("metrics-port").defaultsTo(-1)
            .check(Check.between(-1, 65_535))
            .doc("Port for /metrics and /healthz of a standalone processor or sink (-1 = off, 0 = any free port).");
    public static final Setting<String> METRICS_HOST = Setting.text("metrics-host").defaultsTo("127.0.0.1")
            .label("ADDRESS").check(Check.notBlank())
            .doc("Address of the /metrics endpoint of a standalone processor or sink.");

    public MetricsOptions() {
        super(METRICS_PORT, METRICS_HOST);
    }

    public boolean enabled() {
        return get(METRICS_PORT) >= 0;
    }

    public int port() {
        return get(METRICS_PORT);
    }

    public String host() {
        return get(METRICS_HOST);
    }
}
