package io.outrigger.proxy;

import io.outrigger.tls.ca.CaCommand;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code outrigger ca init} and {@code outrigger ca issue}: the development CA of tls/ ({@link CaCommand},
 * {@code DevCa}), so that the examples, the tests and a newcomer can run mTLS without another tool. Picocli
 * parses and documents the options; the CA's own command checks and runs them (exit 0 done, 1 failure,
 * 2 usage error).
 */
@Command(name = "ca", mixinStandardHelpOptions = true, subcommands = {CaCommands.Init.class, CaCommands.Issue.class},
        description = "A development CA writing SPIFFE X.509-SVIDs as PEM (not for production: keys live in files).")
final class CaCommands implements Callable<Integer> {
    @Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    static int delegate(List<String> args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        int code = new CaCommand(out, err, System.getenv(), Clock.systemUTC(), new SecureRandom()).run(args.toArray(String[]::new));
        out.flush();
        err.flush();
        return code;
    }

    /** {@code ca init --trust-domain D --out DIR [--ttl T]}. */
    @Command(name = "init", mixinStandardHelpOptions = true,
            description = "Create a root CA for a trust domain: DIR/root-cert.pem and DIR/root-key.pem.")
    static final class Init implements Callable<Integer> {
        @Option(names = "--trust-domain", required = true, paramLabel = "DOMAIN", description = "e.g. cluster.local")
        private String trustDomain;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where the CA is written.")
        private Path out;

        @Option(names = "--ttl", paramLabel = "DURATION", description = "Root validity, e.g. 3650d (default: 3650d).")
        private String ttl;

        @Override
        public Integer call() {
            List<String> args = new ArrayList<>(List.of("init", "--trust-domain", trustDomain, "--out", out.toString()));
            if (ttl != null) {
                args.addAll(List.of("--ttl", ttl));
            }
            return delegate(args);
        }
    }

    /** {@code ca issue --spiffe-id ID --ttl T --out DIR [--intermediate NAME] [--ca DIR]}. */
    @Command(name = "issue", mixinStandardHelpOptions = true,
            description = "Issue an X.509-SVID: DIR/cert-chain.pem, DIR/key.pem, DIR/root-cert.pem (Istio's names).")
    static final class Issue implements Callable<Integer> {
        @Option(names = "--spiffe-id", required = true, paramLabel = "ID",
                description = "e.g. spiffe://cluster.local/ns/default/sa/web")
        private String spiffeId;

        @Option(names = "--ttl", required = true, paramLabel = "DURATION", description = "e.g. 1h, 30m, 7d")
        private String ttl;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where the SVID is written.")
        private Path out;

        @Option(names = "--intermediate", paramLabel = "NAME",
                description = "Sign with this intermediate (one per cluster; created on first use).")
        private String intermediate;

        @Option(names = "--ca", paramLabel = "DIR", description = "The CA directory (default: $OUTRIGGER_CA_DIR).")
        private Path ca;

        @Override
        public Integer call() {
            List<String> args = new ArrayList<>(List.of("issue", "--spiffe-id", spiffeId, "--ttl", ttl, "--out",
                    out.toString()));
            if (intermediate != null) {
                args.addAll(List.of("--intermediate", intermediate));
            }
            if (ca != null) {
                args.addAll(List.of("--ca", ca.toString()));
            }
            return delegate(args);
        }
    }
}
