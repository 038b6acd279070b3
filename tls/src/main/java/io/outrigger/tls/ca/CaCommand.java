package io.outrigger.tls.ca;

import io.outrigger.tls.identity.InvalidSpiffeIdException;
import io.outrigger.tls.identity.SpiffeId;
import io.outrigger.tls.identity.Svid;
import io.outrigger.tls.identity.TrustDomain;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * {@code outrigger ca ...}: the dev CA on the command line. proxy-core's launcher passes the arguments after
 * {@code ca}; {@link #main} does the same for {@code java -cp ... io.outrigger.tls.ca.CaCommand}.
 *
 * <pre>
 * ca init  --trust-domain D --out DIR [--ttl 87600h]
 * ca issue --spiffe-id ID --ttl 1h --out DIR [--intermediate NAME] [--ca DIR]
 * </pre>
 *
 * {@code --ca} defaults to the environment variable {@code OUTRIGGER_CA_DIR}.
 */
public final class CaCommand {
    static final String USAGE = """
            usage: outrigger ca init  --trust-domain DOMAIN --out DIR [--ttl DURATION]
                   outrigger ca issue --spiffe-id ID --ttl DURATION --out DIR [--intermediate NAME] [--ca DIR]
              init   creates a root for DOMAIN in DIR (root-cert.pem, root-key.pem)
              issue  writes an SVID to DIR as cert-chain.pem, key.pem, root-cert.pem (Istio's names), signed by the
                     CA in --ca DIR (default $OUTRIGGER_CA_DIR), through intermediate NAME if given (created once)
              DURATION: a number and a unit, s m h d (90s, 30m, 1h, 7d)""";

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;
    private final Clock clock;
    private final SecureRandom random;

    /** A command writing to {@code out}/{@code err}, reading {@code OUTRIGGER_CA_DIR} from {@code env}. */
    public CaCommand(PrintStream out, PrintStream err, Map<String, String> env, Clock clock, SecureRandom random) {
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
        this.env = Map.copyOf(env);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** Entry point for {@code java io.outrigger.tls.ca.CaCommand init ...}. */
    public static void main(String[] args) {
        int code = new CaCommand(System.out, System.err, System.getenv(), Clock.systemUTC(), new SecureRandom()).run(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /**
     * Runs one subcommand.
     *
     * @return the exit code: 0 done, 2 usage error, 1 failure
     */
    public int run(String... args) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            (args.length == 0 ? err : out).println(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        try {
            return switch (args[0]) {
                case "init" -> init(options(args, Set.of("--trust-domain", "--out", "--ttl"), Set.of("--trust-domain", "--out")));
                case "issue" -> issue(options(args, Set.of("--spiffe-id", "--ttl", "--out", "--intermediate", "--ca"),
                        Set.of("--spiffe-id", "--ttl", "--out")));
                default -> throw new UsageException("unknown command '" + args[0] + "' (expected: init or issue)");
            };
        } catch (UsageException | InvalidSpiffeIdException e) {
            err.println("error: " + e.getMessage());
            err.println(USAGE);
            return 2;
        } catch (IOException | RuntimeException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
    }

    private int init(Map<String, String> o) throws IOException {
        TrustDomain td = TrustDomain.of(o.get("--trust-domain"));
        Duration ttl = o.containsKey("--ttl") ? parseDuration(o.get("--ttl")) : Duration.ofDays(3650);
        Path dir = Path.of(o.get("--out"));
        if (Files.exists(dir.resolve("root-key.pem"))) {
            throw new IOException(dir + " already holds a CA (root-key.pem); refusing to overwrite it");
        }
        DevCa ca = DevCa.create(td, ttl, clock, random);
        ca.save(dir);
        out.println("created root for trust domain " + td + " in " + dir.toAbsolutePath() + " (valid until "
                + ca.root().certificate().getNotAfter().toInstant() + ")");
        return 0;
    }

    private int issue(Map<String, String> o) throws IOException {
        SpiffeId id = SpiffeId.parse(o.get("--spiffe-id"));
        Duration ttl = parseDuration(o.get("--ttl"));
        String caDir = o.getOrDefault("--ca", env.get("OUTRIGGER_CA_DIR"));
        if (caDir == null) {
            throw new UsageException("--ca DIR is required (or set OUTRIGGER_CA_DIR): the directory given to 'ca init --out'");
        }
        DevCa ca = DevCa.load(Path.of(caDir), clock, random);
        if (!id.memberOf(ca.trustDomain())) {
            throw new UsageException("--spiffe-id " + id + " is not in the CA's trust domain " + ca.trustDomain());
        }
        String intermediate = o.get("--intermediate");
        Svid svid = intermediate == null ? ca.issue(id, ttl) : ca.issue(id, ttl, intermediate);
        if (intermediate != null) {
            ca.save(Path.of(caDir)); // keep a newly created intermediate for the next SVIDs of that cluster
        }
        Path outDir = Path.of(o.get("--out"));
        ca.writeSvid(svid, outDir);
        out.println("issued " + id + " (serial " + svid.serial().toString(16) + ", valid until " + svid.notAfter()
                + ") to " + outDir.toAbsolutePath());
        return 0;
    }

    private static Map<String, String> options(String[] args, Set<String> allowed, Set<String> required) {
        Map<String, String> o = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            String name = a;
            String value;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new UsageException(allowed.contains(a) ? a + " needs a value" : "unexpected argument '" + a + "'");
            }
            if (!allowed.contains(name)) {
                throw new UsageException("unknown option '" + name + "' (expected one of " + List.copyOf(allowed) + ")");
            }
            if (o.put(name, value) != null) {
                throw new UsageException(name + " given twice");
            }
        }
        for (String r : required) {
            if (!o.containsKey(r)) {
                throw new UsageException(r + " is required");
            }
        }
        return o;
    }

    /** {@code 90s}, {@code 30m}, {@code 1h}, {@code 7d}, or an ISO-8601 duration ({@code PT1H}). */
    static Duration parseDuration(String s) {
        try {
            if (s.startsWith("P") || s.startsWith("p")) {
                return positive(Duration.parse(s), s);
            }
            long n = Long.parseLong(s.substring(0, s.length() - 1));
            return positive(switch (s.charAt(s.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> throw new UsageException("duration '" + s + "' (expected: e.g. 90s, 30m, 1h, 7d)");
            }, s);
        } catch (NumberFormatException | StringIndexOutOfBoundsException | java.time.format.DateTimeParseException e) {
            throw new UsageException("duration '" + s + "' (expected: e.g. 90s, 30m, 1h, 7d)");
        }
    }

    private static Duration positive(Duration d, String s) {
        if (d.isZero() || d.isNegative()) {
            throw new UsageException("duration '" + s + "' (expected: > 0)");
        }
        return d;
    }

    /** A command line that cannot be run. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
