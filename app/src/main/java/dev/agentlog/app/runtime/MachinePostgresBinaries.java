package dev.agentlog.app.runtime;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A directory of PostgreSQL server programs installed on this machine ({@code initdb}, {@code pg_ctl}, {@code postgres}). */
record MachinePostgresBinaries(Path binDir, int majorVersion, String version) {
    static final String INSTALL_HINT = "install PostgreSQL server binaries (Debian/Ubuntu: apt-get install -y postgresql;"
            + " Fedora/RHEL: dnf install -y postgresql-server; macOS: brew install postgresql) or pass --pg-bin-dir"
            + " <directory containing initdb and pg_ctl>";
    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)(?:\\.(\\d+))?");
    private static final List<String> REQUIRED_PROGRAMS = List.of("initdb", "pg_ctl", "postgres");

    Path program(String name) {
        return binDir.resolve(name);
    }

    /**
     * The binaries to run a cluster with: those in {@code override} when given, else the newest installed ones,
     * or the ones matching {@code clusterMajor} when the data directory already holds a cluster.
     *
     * @throws LocalServiceStartException saying what to install when nothing suitable exists
     */
    static MachinePostgresBinaries choose(Path override, OptionalInt clusterMajor) {
        List<MachinePostgresBinaries> candidates = override != null ? List.of(inspectOverride(override)) : discover();
        if (candidates.isEmpty()) {
            throw new LocalServiceStartException("No PostgreSQL server binaries found on this machine: " + INSTALL_HINT);
        }
        if (clusterMajor.isEmpty()) {
            return candidates.get(0);
        }
        int wanted = clusterMajor.getAsInt();
        return candidates.stream().filter(b -> b.majorVersion == wanted).findFirst().orElseThrow(() ->
                new LocalServiceStartException("The data directory holds a PostgreSQL " + wanted + " cluster, but the"
                        + " PostgreSQL binaries found are " + candidates.stream().map(MachinePostgresBinaries::version).toList()
                        + ": install PostgreSQL " + wanted + " server binaries (e.g. apt-get install -y postgresql-" + wanted
                        + ") or pass --pg-bin-dir, or use a new data directory"));
    }

    private static MachinePostgresBinaries inspectOverride(Path override) {
        Path binDir = override.toAbsolutePath().normalize();
        return inspect(binDir).orElseThrow(() -> new LocalServiceStartException("The PostgreSQL bin directory " + binDir
                + " does not hold runnable initdb, pg_ctl and postgres programs: " + INSTALL_HINT));
    }

    /** Installed server binaries, newest major version first. */
    static List<MachinePostgresBinaries> discover() {
        Set<Path> directories = new LinkedHashSet<>();
        directories.addAll(versionedDirectories(Path.of("/usr/lib/postgresql"), "*", "bin"));
        directories.addAll(versionedDirectories(Path.of("/usr"), "pgsql-*", "bin"));
        directories.addAll(directoriesOnPath());
        List<MachinePostgresBinaries> found = new ArrayList<>();
        for (Path directory : directories) {
            inspect(directory).filter(b -> found.stream().noneMatch(f -> f.binDir.equals(b.binDir))).ifPresent(found::add);
        }
        found.sort(Comparator.comparingInt(MachinePostgresBinaries::majorVersion).reversed());
        return found;
    }

    private static List<Path> versionedDirectories(Path parent, String glob, String child) {
        List<Path> directories = new ArrayList<>();
        if (!Files.isDirectory(parent)) {
            return directories;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent, glob)) {
            entries.forEach(entry -> directories.add(entry.resolve(child)));
        } catch (IOException e) {
            // An unreadable directory holds nothing we can use.
        }
        return directories;
    }

    /** Directories on PATH holding pg_ctl, resolved through symlinks (Debian links /usr/local/bin/pg_ctl to its real home). */
    private static List<Path> directoriesOnPath() {
        List<Path> directories = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path == null) {
            return directories;
        }
        for (String entry : path.split(File.pathSeparator)) {
            if (entry.isBlank()) {
                continue;
            }
            Path pgCtl = Path.of(entry, "pg_ctl");
            if (Files.isExecutable(pgCtl)) {
                try {
                    directories.add(pgCtl.toRealPath().getParent());
                } catch (IOException e) {
                    // A dangling link: skip it.
                }
            }
        }
        return directories;
    }

    private static Optional<MachinePostgresBinaries> inspect(Path binDir) {
        if (!REQUIRED_PROGRAMS.stream().allMatch(name -> Files.isExecutable(binDir.resolve(name)))) {
            return Optional.empty();
        }
        try {
            Path realBinDir = binDir.toRealPath();
            ExternalCommand.Result result = ExternalCommand.run(
                    List.of(realBinDir.resolve("pg_ctl").toString(), "--version"), Duration.ofSeconds(10));
            Matcher matcher = VERSION.matcher(result.output());
            if (!result.succeeded() || !matcher.find()) {
                return Optional.empty();
            }
            String version = matcher.group(2) == null ? matcher.group(1) : matcher.group(1) + "." + matcher.group(2);
            return Optional.of(new MachinePostgresBinaries(realBinDir, Integer.parseInt(matcher.group(1)), version));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
