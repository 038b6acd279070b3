package io.outrigger.iptables;

import java.util.Objects;
import java.util.Optional;

/**
 * A parsed command line: what to do, with which options.
 *
 * @param action install (default), print only, remove, or help
 * @param options the capture options; {@code ipv6} is still unresolved when {@code ipv6Choice} is AUTO
 * @param ipv6Choice {@code --ipv6 auto|on|off}
 * @param mode {@code --iptables-mode}, empty to auto-detect
 */
record Invocation(Action action, CaptureOptions options, Ipv6Choice ipv6Choice, Optional<IptablesMode> mode) {

    Invocation {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(ipv6Choice, "ipv6Choice");
        Objects.requireNonNull(mode, "mode");
    }

    /** What the command line asks for. */
    enum Action { INSTALL, DRY_RUN, CLEANUP, CLEANUP_DRY_RUN, HELP }

    /** Whether IPv6 rules are written: detected from the pod's addresses, or forced. */
    enum Ipv6Choice { AUTO, ON, OFF }
}
