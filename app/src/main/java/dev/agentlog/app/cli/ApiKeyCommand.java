package dev.agentlog.app.cli;

import dev.agentlog.ingest.ApiKey;
import dev.agentlog.ingest.ApiKeys;
import dev.agentlog.ingest.Scope;
import java.io.PrintWriter;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Makes a new API key: prints the key (for the client, shown this once) and its line for {@code --api-keys-file}
 * (the hash only). Nothing is stored: append the line to the key file yourself.
 */
@Command(name = "api-key", mixinStandardHelpOptions = true,
        description = "Print a new random API key and its line for --api-keys-file (name, scopes, SHA-256 of the key, tenant). "
                + "The key is shown once and stored nowhere; e.g. agentlog api-key ci --scopes events:write | tail -1 >> keys")
public final class ApiKeyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "Name of the key: 1..64 of [A-Za-z0-9._-]; events it writes get source http:<name>.")
    String name;

    @Option(names = "--scopes", defaultValue = "events:write", paramLabel = "SCOPE,...", split = ",",
            description = "What the key may do: events:write, state:read, metrics:read, admin (all).")
    Set<String> scopes;

    @Option(names = "--tenant", paramLabel = "ID", description = "Tenant the key belongs to (kept with the key).")
    String tenant;

    @Override
    public Integer call() {
        Set<Scope> parsed = EnumSet.noneOf(Scope.class);
        for (String scope : scopes) {
            parsed.add(Scope.fromWire(scope.trim()).orElseThrow(() -> new IllegalArgumentException(
                    "--scopes: unknown scope '" + scope + "' (the scopes are " + Scope.allWire() + ")")));
        }
        ApiKey key = new ApiKey(name, parsed, tenant);
        String clear = ApiKeys.newKey();
        PrintWriter out = spec.commandLine().getOut();
        out.println("# API key '" + name + "' (give it to the client; it is shown only now and stored nowhere):");
        out.println(clear);
        out.println("# its line for --api-keys-file:");
        out.println(ApiKeys.keyFileLine(key, clear));
        out.flush();
        return ExitCodes.OK;
    }
}
