package io.outrigger.proxy.http;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Envoy's substitution format for access logs, compiled once: literal text and {@code %COMMAND%}
 * operators ({@code START_TIME}, {@code REQ(X?Y):N}, {@code RESP(X)}, {@code TRAILER(X)},
 * {@code PROTOCOL}, {@code RESPONSE_CODE}, {@code RESPONSE_FLAGS}, {@code BYTES_RECEIVED},
 * {@code BYTES_SENT}, {@code DURATION}, {@code UPSTREAM_HOST}, {@code UPSTREAM_CLUSTER},
 * {@code ROUTE_NAME}, {@code DOWNSTREAM_REMOTE_ADDRESS}, {@code RESPONSE_CODE_DETAILS},
 * {@code UPSTREAM_REQUEST_ATTEMPT_COUNT}). Unknown operators print "-". Runs on the log thread.
 */
final class AccessLogFormat {
    /** Envoy's default format. */
    static final String DEFAULT = "[%START_TIME%] \"%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%\" "
            + "%RESPONSE_CODE% %RESPONSE_FLAGS% %BYTES_RECEIVED% %BYTES_SENT% %DURATION% "
            + "%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% \"%REQ(X-FORWARDED-FOR)%\" \"%REQ(USER-AGENT)%\" "
            + "\"%REQ(X-REQUEST-ID)%\" \"%REQ(:AUTHORITY)%\" \"%UPSTREAM_HOST%\"\n";

    private static final DateTimeFormatter START_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final List<Function<StreamInfo, String>> parts;

    AccessLogFormat(String format) {
        this.parts = compile(format == null ? DEFAULT : format);
    }

    String format(StreamInfo s) {
        StringBuilder sb = new StringBuilder(256);
        for (Function<StreamInfo, String> p : parts) {
            sb.append(p.apply(s));
        }
        return sb.toString();
    }

    private static List<Function<StreamInfo, String>> compile(String f) {
        List<Function<StreamInfo, String>> out = new ArrayList<>();
        int i = 0;
        StringBuilder lit = new StringBuilder();
        while (i < f.length()) {
            char c = f.charAt(i);
            int end = c == '%' ? f.indexOf('%', i + 1) : -1;
            if (c == '%' && end == i + 1) {
                lit.append('%'); // "%%" is a literal percent sign
                i += 2;
            } else if (c == '%' && end > i) {
                if (!lit.isEmpty()) {
                    String l = lit.toString();
                    out.add(s -> l);
                    lit.setLength(0);
                }
                out.add(operator(f.substring(i + 1, end)));
                i = end + 1;
            } else {
                lit.append(c);
                i++;
            }
        }
        if (!lit.isEmpty()) {
            String l = lit.toString();
            out.add(s -> l);
        }
        return out;
    }

    private static Function<StreamInfo, String> operator(String op) {
        int maxLen = -1;
        int paren = op.lastIndexOf(')');
        int colon = op.indexOf(':', paren < 0 ? 0 : paren);
        if (colon > 0 && (paren < 0 || colon > paren)) {
            try {
                maxLen = Integer.parseInt(op.substring(colon + 1));
                op = op.substring(0, colon);
            } catch (NumberFormatException ignored) {
                // not a length suffix
            }
        }
        Function<StreamInfo, String> f = base(op);
        if (maxLen < 0) {
            return f;
        }
        int n = maxLen;
        return s -> {
            String v = f.apply(s);
            return v.length() > n ? v.substring(0, n) : v;
        };
    }

    private static Function<StreamInfo, String> base(String op) {
        if (op.startsWith("REQ(") && op.endsWith(")")) {
            String[] names = op.substring(4, op.length() - 1).split("\\?");
            return s -> {
                for (String n : names) {
                    String v = request(s, n.toLowerCase(Locale.ROOT));
                    if (v != null) {
                        return v;
                    }
                }
                return "-";
            };
        }
        if ((op.startsWith("RESP(") || op.startsWith("TRAILER(")) && op.endsWith(")")) {
            String name = op.substring(op.indexOf('(') + 1, op.length() - 1).toLowerCase(Locale.ROOT);
            return s -> {
                String v = s.responseHeaders() == null ? null : s.responseHeaders().get(name);
                return v == null ? "-" : v;
            };
        }
        return switch (op) {
            case "START_TIME" -> s -> START_TIME.format(s.startTime());
            case "PROTOCOL" -> StreamInfo::protocol;
            case "RESPONSE_CODE" -> s -> Integer.toString(s.responseCode());
            case "RESPONSE_FLAGS" -> StreamInfo::responseFlagsText;
            case "RESPONSE_CODE_DETAILS" -> s -> dash(s.responseCodeDetails());
            case "BYTES_RECEIVED" -> s -> Long.toString(s.bytesReceived());
            case "BYTES_SENT" -> s -> Long.toString(s.bytesSent());
            case "DURATION" -> s -> Long.toString(s.durationMillis());
            case "UPSTREAM_HOST" -> s -> dash(s.upstreamHost());
            case "UPSTREAM_CLUSTER" -> s -> dash(s.upstreamCluster());
            case "ROUTE_NAME" -> s -> dash(s.routeName());
            case "DOWNSTREAM_REMOTE_ADDRESS" -> s -> dash(s.downstreamRemoteAddress());
            case "UPSTREAM_REQUEST_ATTEMPT_COUNT" -> s -> Integer.toString(s.attempts());
            default -> s -> "-";
        };
    }

    private static String request(StreamInfo s, String name) {
        return switch (name) {
            case ":method" -> s.method();
            case ":path" -> s.path();
            case ":authority" -> s.authority().isEmpty() ? null : s.authority();
            default -> s.requestHeaders().get(name);
        };
    }

    private static String dash(String v) {
        return v == null || v.isEmpty() ? "-" : v;
    }
}
