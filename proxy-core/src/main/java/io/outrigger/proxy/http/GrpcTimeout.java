package io.outrigger.proxy.http;

/** The {@code grpc-timeout} header: up to 8 digits and a unit (H, M, S, m, u, n). */
final class GrpcTimeout {
    private GrpcTimeout() {
    }

    /** The timeout in nanoseconds, or -1 when absent or malformed. */
    static long parseNanos(String v) {
        if (v == null || v.length() < 2 || v.length() > 9) {
            return -1;
        }
        long n = 0;
        for (int i = 0; i < v.length() - 1; i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        long unit = switch (v.charAt(v.length() - 1)) {
            case 'H' -> 3_600_000_000_000L;
            case 'M' -> 60_000_000_000L;
            case 'S' -> 1_000_000_000L;
            case 'm' -> 1_000_000L;
            case 'u' -> 1_000L;
            case 'n' -> 1L;
            default -> -1;
        };
        if (unit < 0) {
            return -1;
        }
        return n > Long.MAX_VALUE / unit ? Long.MAX_VALUE : n * unit;
    }
}
