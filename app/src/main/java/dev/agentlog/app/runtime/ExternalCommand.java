package dev.agentlog.app.runtime;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short-lived program and captures its combined output. The output goes to a temporary file, not a pipe:
 * {@code pg_ctl start} leaves a server behind that could inherit a pipe and keep a reader waiting forever.
 */
final class ExternalCommand {
    private ExternalCommand() {
    }

    record Result(List<String> command, int exitCode, String output) {
        boolean succeeded() {
            return exitCode == 0;
        }

        String describe() {
            return String.join(" ", command) + " exited with " + exitCode + (output.isBlank() ? "" : ": " + output.strip());
        }
    }

    static Result run(List<String> command, Duration timeout) throws IOException {
        Path output = Files.createTempFile("agentlog-command", ".log");
        try {
            Process process = new ProcessBuilder(command)
                    // "/" is readable by every user, unlike the caller's working directory under runuser.
                    .directory(new File("/"))
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!exited) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish within " + timeout.toSeconds() + " s");
            }
            return new Result(List.copyOf(command), process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + String.join(" ", command), e);
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
