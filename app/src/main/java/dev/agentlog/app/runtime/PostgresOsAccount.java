package dev.agentlog.app.runtime;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The operating-system account PostgreSQL's programs run as. PostgreSQL refuses to run as root, so when this JVM
 * is root, the programs run as the {@code postgres} account through {@code runuser}, and the data directory is
 * handed to that account.
 */
final class PostgresOsAccount {
    static final String SERVICE_ACCOUNT = "postgres";
    private static final List<Path> RUNUSER_LOCATIONS =
            List.of(Path.of("/usr/sbin/runuser"), Path.of("/sbin/runuser"), Path.of("/usr/bin/runuser"), Path.of("/bin/runuser"));
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);

    private final List<String> commandPrefix;
    private final UserPrincipal owner;
    private final GroupPrincipal group;

    private PostgresOsAccount(List<String> commandPrefix, UserPrincipal owner, GroupPrincipal group) {
        this.commandPrefix = commandPrefix;
        this.owner = owner;
        this.group = group;
    }

    static boolean jvmRunsAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** The account for this JVM: itself, or {@code postgres} via runuser when the JVM is root. */
    static PostgresOsAccount forThisJvm() {
        if (!jvmRunsAsRoot()) {
            return new PostgresOsAccount(List.of(), null, null);
        }
        Path runuser = RUNUSER_LOCATIONS.stream().filter(Files::isExecutable).findFirst().orElseThrow(() ->
                new LocalServiceStartException("PostgreSQL refuses to run as root and runuser (util-linux) is missing:"
                        + " install util-linux or run agentlog as a non-root user"));
        UserPrincipalLookupService lookup = FileSystems.getDefault().getUserPrincipalLookupService();
        try {
            UserPrincipal owner = lookup.lookupPrincipalByName(SERVICE_ACCOUNT);
            GroupPrincipal group = lookupGroup(lookup);
            return new PostgresOsAccount(List.of(runuser.toString(), "-u", SERVICE_ACCOUNT, "--"), owner, group);
        } catch (UserPrincipalNotFoundException e) {
            throw new LocalServiceStartException("PostgreSQL refuses to run as root and there is no '" + SERVICE_ACCOUNT
                    + "' account to run it as: create one (useradd --system " + SERVICE_ACCOUNT
                    + "; installing the postgresql package does it) or run agentlog as a non-root user");
        } catch (IOException e) {
            throw new LocalServiceStartException("Could not look up the '" + SERVICE_ACCOUNT + "' account: " + e, e);
        }
    }

    boolean isSeparateAccount() {
        return owner != null;
    }

    /** {@code command}, run as this account. */
    List<String> command(String... command) {
        List<String> full = new ArrayList<>(commandPrefix);
        full.addAll(List.of(command));
        return full;
    }

    /**
     * Gives the data directory to this account (PostgreSQL insists on owning it) and checks that the account can
     * reach it: a directory below a private (0700) root directory cannot be used.
     */
    void prepareDataDirectory(Path dataDir) throws IOException {
        if (!isSeparateAccount()) {
            return;
        }
        handOver(dataDir);
        if (!canAccess(dataDir, "-w")) {
            throw new LocalServiceStartException("PostgreSQL runs as the '" + SERVICE_ACCOUNT + "' account, which cannot"
                    + " reach the data directory " + dataDir + blockingAncestor(dataDir)
                    + ": choose a data directory that account can reach (e.g. under /var/lib) or grant it access");
        }
    }

    private void handOver(Path dataDir) throws IOException {
        try (Stream<Path> paths = Files.walk(dataDir)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                PosixFileAttributeView view =
                        Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
                if (!owner.equals(view.getOwner())) {
                    view.setOwner(owner);
                    if (group != null) {
                        view.setGroup(group);
                    }
                }
            }
        }
    }

    private String blockingAncestor(Path dataDir) throws IOException {
        List<Path> ancestors = new ArrayList<>();
        for (Path dir = dataDir.getParent(); dir != null; dir = dir.getParent()) {
            ancestors.add(0, dir);
        }
        for (Path ancestor : ancestors) {
            if (!canAccess(ancestor, "-x")) {
                return " (" + ancestor + " is not searchable by it; chmod o+x " + ancestor + " would allow it)";
            }
        }
        return "";
    }

    private boolean canAccess(Path path, String testFlag) throws IOException {
        return ExternalCommand.run(command("test", testFlag, path.toString()), PROBE_TIMEOUT).succeeded();
    }

    private static GroupPrincipal lookupGroup(UserPrincipalLookupService lookup) throws IOException {
        try {
            return lookup.lookupPrincipalByGroupName(SERVICE_ACCOUNT);
        } catch (UserPrincipalNotFoundException e) {
            // Ownership by the user is what PostgreSQL checks; the group is a nicety.
            return null;
        }
    }
}
