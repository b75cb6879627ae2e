package dev.agentlog.app.e2e;

import dev.agentlog.app.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import picocli.CommandLine;

/** Runs the agentlog CLI in-process, as a user would type it, capturing its output. */
public record CliRun(int exitCode, String out, String err) {
    public static CliRun of(String... args) {
        return of(Map.of(), args);
    }

    /** As {@link #of(String...)} with these environment variables. */
    public static CliRun of(Map<String, String> environment, String... args) {
        CommandLine cli = Main.commandLine(environment);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }
}
