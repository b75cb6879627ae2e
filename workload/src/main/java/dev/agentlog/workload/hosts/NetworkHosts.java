package dev.agentlog.workload.hosts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Hosts as separate machines on this one machine: a network namespace per host, each joined by a veth link to a
 * bridge in the root namespace, all on a private /24 ({@code 10.213.x.0/24}) that never leaves the machine. The
 * bridge holds the network's first address ({@link #serviceAddress()}): the broker and PostgreSQL run in the root
 * namespace bound to it, and a process started on a host ({@link #command}) reaches them over its link. Cutting a
 * host off ({@link #cutOff}) sets the root end of its link down: the host's processes keep running, their packets go
 * nowhere, and nothing tells their peers, as when a machine's cable is pulled; {@link #reconnect} sets it up again.
 *
 * <p>Needs root and {@code ip} (iproute2) with network namespaces: {@link #unavailable()} says why not. Names carry
 * this JVM's pid ({@code alh<pid>...}), so runs never share one; {@link #create} first deletes what runs whose JVM is
 * gone left behind, and {@link #close} deletes this run's namespaces, links and bridge.
 *
 * <p>Used by app's tests (a sink host cut off mid-batch) and by the bench's chaos run; never shipped.
 */
public final class NetworkHosts implements AutoCloseable {
    /** Prefix of every namespace, link and bridge this class makes. */
    public static final String PREFIX = "alh";
    private static final long PID = ProcessHandle.current().pid();

    private final String name;
    private final String subnet; // "10.213.x"
    private final List<String> namespaces = new ArrayList<>();

    private NetworkHosts(String name, String subnet) {
        this.name = name;
        this.subnet = subnet;
    }

    /** Why hosts cannot be made here (not root, no {@code ip netns}); empty when they can. */
    public static Optional<String> unavailable() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return Optional.of("network namespaces need root (running as " + System.getProperty("user.name") + ")");
        }
        try {
            Result result = run(List.of("ip", "netns", "list"));
            if (result.exitCode != 0) {
                return Optional.of("`ip netns list` failed (" + result.exitCode + "): " + result.output.strip());
            }
            // root inside a container may still lack CAP_NET_ADMIN / CAP_SYS_ADMIN: listing works, making does not
            return probe();
        } catch (IOException e) {
            return Optional.of("no `ip` command (iproute2): " + e.getMessage());
        }
    }

    /** Makes and deletes a namespace and a bridge, as {@link #create} will: why not, when it cannot. */
    private static Optional<String> probe() throws IOException {
        String namespace = PREFIX + "-" + PID + "-probe";
        String bridge = PREFIX + PID + "p";
        try {
            for (List<String> command : List.of(List.of("ip", "netns", "add", namespace),
                    List.of("ip", "link", "add", bridge, "type", "bridge"))) {
                Result result = run(command);
                if (result.exitCode != 0) {
                    return Optional.of("`" + String.join(" ", command) + "` failed (" + result.exitCode + "): "
                            + result.output.strip() + " (no CAP_NET_ADMIN/CAP_SYS_ADMIN here?)");
                }
            }
            return Optional.empty();
        } finally {
            run(List.of("ip", "link", "delete", bridge));
            run(List.of("ip", "netns", "delete", namespace));
        }
    }

    /** A bridge and {@code hosts} namespaces, each linked to it; every host up. */
    public static NetworkHosts create(int hosts) throws IOException {
        deleteLeftovers();
        NetworkHosts network = new NetworkHosts(PREFIX + PID, freeSubnet());
        try {
            network.ip("link", "add", network.bridge(), "type", "bridge");
            network.ip("addr", "add", network.serviceAddress() + "/24", "dev", network.bridge());
            network.ip("link", "set", network.bridge(), "up");
            for (int host = 0; host < hosts; host++) {
                String namespace = PREFIX + "-" + PID + "-" + host;
                network.ip("netns", "add", namespace);
                network.namespaces.add(namespace);
                network.ip("link", "add", network.rootEnd(host), "type", "veth", "peer", "name", network.hostEnd(host),
                        "netns", namespace);
                network.ip("link", "set", network.rootEnd(host), "master", network.bridge(), "up");
                network.ip("-n", namespace, "addr", "add", network.address(host) + "/24", "dev", network.hostEnd(host));
                network.ip("-n", namespace, "link", "set", network.hostEnd(host), "up");
                network.ip("-n", namespace, "link", "set", "lo", "up");
            }
        } catch (IOException | RuntimeException e) {
            network.close();
            throw e;
        }
        return network;
    }

    /** The bridge's address in the root namespace: where the broker and PostgreSQL listen for the hosts. */
    public String serviceAddress() {
        return subnet + ".1";
    }

    /** The network, as pg_hba.conf names it. */
    public String cidr() {
        return subnet + ".0/24";
    }

    /** Host {@code host}'s address (0-based), as its peers see it. */
    public String address(int host) {
        return subnet + "." + (10 + host);
    }

    public int hosts() {
        return namespaces.size();
    }

    /** {@code command} as run on host {@code host}: {@code ip netns exec <namespace> command...}. */
    public List<String> command(int host, List<String> command) {
        List<String> onHost = new ArrayList<>(List.of("ip", "netns", "exec", namespaces.get(host)));
        onHost.addAll(command);
        return onHost;
    }

    /** Host {@code host} off the network: the root end of its link down; its processes run on. */
    public void cutOff(int host) throws IOException {
        ip("link", "set", rootEnd(host), "down");
    }

    /** Host {@code host} on the network again. */
    public void reconnect(int host) throws IOException {
        ip("link", "set", rootEnd(host), "up");
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (int host = 0; host < namespaces.size(); host++) {
            // Deleting one end of a veth link deletes both. Not left to the namespace's deletion: a namespace lives on
            // (and its link with it) while a socket of a process that ran there lingers.
            String link = rootEnd(host);
            String namespace = namespaces.get(host);
            failure = keepFirst(failure, () -> {
                if (linkExists(link)) {
                    ip("link", "delete", link);
                }
            });
            failure = keepFirst(failure, () -> ip("netns", "delete", namespace));
        }
        failure = keepFirst(failure, () -> {
            if (linkExists(bridge())) {
                ip("link", "delete", bridge());
            }
        });
        namespaces.clear();
        if (failure != null) {
            throw failure;
        }
    }

    private String bridge() {
        return name + "br";
    }

    private String rootEnd(int host) {
        return name + "v" + host;
    }

    private String hostEnd(int host) {
        return name + "n" + host;
    }

    private void ip(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        Result result = run(command);
        if (result.exitCode != 0) {
            throw new IOException(String.join(" ", command) + " failed (" + result.exitCode + "): "
                    + result.output.strip());
        }
    }

    private static boolean linkExists(String link) throws IOException {
        return run(List.of("ip", "link", "show", link)).exitCode == 0;
    }

    /** Namespaces and links of runs whose JVM no longer runs (killed before it could close them). */
    private static void deleteLeftovers() throws IOException {
        for (String line : run(List.of("ip", "netns", "list")).output.split("\n")) {
            String namespace = line.split(" ")[0];
            if (namespace.startsWith(PREFIX + "-") && ownerGone(namespace.substring(PREFIX.length() + 1).split("-")[0])) {
                run(List.of("ip", "netns", "delete", namespace));
            }
        }
        for (String line : run(List.of("ip", "-o", "link", "show")).output.split("\n")) {
            String[] fields = line.split(":\\s+");
            if (fields.length < 2) {
                continue;
            }
            String link = fields[1].split("@")[0];
            String owner = link.startsWith(PREFIX) ? link.substring(PREFIX.length()).split("[a-z]")[0] : "";
            if (!owner.isEmpty() && ownerGone(owner)) {
                run(List.of("ip", "link", "delete", link));
            }
        }
    }

    private static boolean ownerGone(String pid) {
        return pid.chars().allMatch(Character::isDigit) && !pid.isEmpty()
                && !Files.exists(Path.of("/proc", pid));
    }

    /** A 10.213.x.0/24 no interface of this machine has an address in, starting from one the pid picks. */
    private static String freeSubnet() throws IOException {
        String addresses = run(List.of("ip", "-o", "addr", "show")).output;
        for (int i = 0; i < 250; i++) {
            String subnet = "10.213." + (1 + (PID + i) % 250);
            if (!addresses.contains(" " + subnet + ".")) {
                return subnet;
            }
        }
        throw new IOException("every 10.213.x.0/24 is in use on this machine");
    }

    private interface IpStep {
        void run() throws IOException;
    }

    private static IOException keepFirst(IOException failure, IpStep step) {
        try {
            step.run();
            return failure;
        } catch (IOException e) {
            if (failure == null) {
                return e;
            }
            failure.addSuppressed(e);
            return failure;
        }
    }

    private record Result(int exitCode, String output) {}

    private static Result run(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not end within 30 s");
            }
            return new Result(process.exitValue(), output);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted running " + String.join(" ", command), e);
        }
    }
}
