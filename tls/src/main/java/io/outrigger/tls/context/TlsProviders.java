package io.outrigger.tls.context;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which TLS implementation handshakes run on: BoringSSL through netty-tcnative when its native library
 * loads, else the JDK's JSSE. Detected once; the fallback is logged once and can be shown by
 * {@code /server_info}.
 */
public final class TlsProviders {
    private static final Logger log = LoggerFactory.getLogger(TlsProviders.class);
    private static final SslProvider PREFERRED;

    static {
        if (OpenSsl.isAvailable()) {
            PREFERRED = SslProvider.OPENSSL;
        } else {
            PREFERRED = SslProvider.JDK;
            log.warn("BoringSSL (netty-tcnative) unavailable, TLS falls back to the JDK provider: {}",
                    String.valueOf(OpenSsl.unavailabilityCause()));
        }
    }

    private TlsProviders() {
    }

    /** {@link SslProvider#OPENSSL} when BoringSSL loaded, else {@link SslProvider#JDK}. */
    public static SslProvider preferred() {
        return PREFERRED;
    }

    /** Whether handshakes run on BoringSSL. */
    public static boolean isNative() {
        return PREFERRED == SslProvider.OPENSSL;
    }

    /** Why BoringSSL is not used, when it is not. */
    public static Optional<Throwable> fallbackCause() {
        return isNative() ? Optional.empty() : Optional.ofNullable(OpenSsl.unavailabilityCause());
    }

    /** For {@code /server_info}: {@code BoringSSL (BoringSSL)} or {@code JDK (fallback: <cause>)}. */
    public static String description() {
        return isNative() ? "BoringSSL (" + OpenSsl.versionString() + ")"
                : "JDK " + Runtime.version() + " (fallback: " + OpenSsl.unavailabilityCause() + ")";
    }
}
