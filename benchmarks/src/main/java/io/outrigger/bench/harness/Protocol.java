package io.outrigger.bench.harness;

/** What the load generator speaks to its target. */
public enum Protocol {
    /** HTTP/1.1 keep-alive, one request in flight per connection (no pipelining). */
    HTTP1("http1"),
    /** HTTP/2 over cleartext with prior knowledge, several multiplexed streams per connection. */
    H2C("h2c"),
    /** Raw TCP: send a fixed payload, wait for it to be echoed back, repeat. */
    TCP_RR("tcp-rr"),
    /** Raw TCP: write as fast as the peer accepts and count the echoed bytes (throughput only). */
    TCP_BULK("tcp-bulk");

    private final String label;

    Protocol(String label) {
        this.label = label;
    }

    /** The name used on the command line and in reports. */
    public String label() {
        return label;
    }

    /** Parses a command-line label such as {@code tcp-rr}. */
    public static Protocol fromLabel(String label) {
        for (Protocol p : values()) {
            if (p.label.equalsIgnoreCase(label) || p.name().equalsIgnoreCase(label)) {
                return p;
            }
        }
        throw new IllegalArgumentException("protocol: " + label + " (expected: http1, h2c, tcp-rr or tcp-bulk)");
    }

    boolean isHttp() {
        return this == HTTP1 || this == H2C;
    }
}
