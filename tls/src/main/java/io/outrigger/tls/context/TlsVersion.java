package io.outrigger.tls.context;

/** The TLS versions a mesh proxy negotiates (Envoy's {@code TlsParameters.TlsProtocol}, from 1.2 up). */
public enum TlsVersion {
    TLS_1_2("TLSv1.2"),
    TLS_1_3("TLSv1.3");

    private final String jdkName;

    TlsVersion(String jdkName) {
        this.jdkName = jdkName;
    }

    /** The protocol name JSSE and Netty use ({@code TLSv1.3}). */
    public String jdkName() {
        return jdkName;
    }

    /** From Envoy's spelling ({@code TLSv1_2}, {@code TLSv1_3}) or JSSE's ({@code TLSv1.2}). */
    public static TlsVersion fromName(String name) {
        return switch (name) {
            case "TLSv1_2", "TLSv1.2" -> TLS_1_2;
            case "TLSv1_3", "TLSv1.3" -> TLS_1_3;
            default -> throw new IllegalArgumentException("TLS version: '" + name
                    + "' (expected: TLSv1_2 or TLSv1_3; older versions are not offered)");
        };
    }
}
