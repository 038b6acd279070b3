package io.outrigger.proxy.http;

/** Envoy's {@code %RESPONSE_FLAGS%}: bits, and their short names in Envoy's order. */
final class ResponseFlags {
    static final int UH = 1;        // no healthy upstream
    static final int UF = 1 << 1;   // upstream connection failure
    static final int UO = 1 << 2;   // upstream overflow (circuit breaking)
    static final int NR = 1 << 3;   // no route
    static final int URX = 1 << 4;  // upstream retry limit exceeded
    static final int NC = 1 << 5;   // no cluster
    static final int DT = 1 << 6;   // request or connection took longer than max duration
    static final int UT = 1 << 7;   // upstream request timeout
    static final int UR = 1 << 8;   // upstream remote reset
    static final int UC = 1 << 9;   // upstream connection termination
    static final int DC = 1 << 10;  // downstream connection termination
    static final int DI = 1 << 11;  // delay injected
    static final int FI = 1 << 12;  // fault injected
    static final int RL = 1 << 13;  // rate limited
    static final int DPE = 1 << 14; // downstream protocol error

    private static final String[] NAMES = {"UH", "UF", "UO", "NR", "URX", "NC", "DT", "UT", "UR", "UC", "DC", "DI", "FI",
            "RL", "DPE"};

    private ResponseFlags() {
    }

    /** "-" when none, else the names joined with "," as Envoy prints them. */
    static String format(int flags) {
        if (flags == 0) {
            return "-";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < NAMES.length; i++) {
            if ((flags & (1 << i)) != 0) {
                if (!sb.isEmpty()) {
                    sb.append(',');
                }
                sb.append(NAMES[i]);
            }
        }
        return sb.toString();
    }
}
