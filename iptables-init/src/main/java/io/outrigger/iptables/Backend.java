package io.outrigger.iptables;

import java.util.List;
import java.util.Objects;

/**
 * The iptables binaries of one backend. Both backends write the same rules; what matters is
 * that a pod's rules all live in one of them, because a packet traverses both and the nat
 * REDIRECT of one is invisible to the other's save/cleanup.
 *
 * @param mode nft or legacy
 */
record Backend(IptablesMode mode) {

    Backend {
        Objects.requireNonNull(mode, "mode");
    }

    String restore(IpFamily family) {
        return family.binaryPrefix() + "-" + suffix() + "-restore";
    }

    String save(IpFamily family) {
        return family.binaryPrefix() + "-" + suffix() + "-save";
    }

    private String suffix() {
        return mode == IptablesMode.NFT ? "nft" : "legacy";
    }

    /**
     * Picks the backend the way istio-iptables does: if rules already exist in exactly one backend
     * in this network namespace (kube-proxy, a CNI, a previous run), use that one (with rules in
     * both, the one holding more); otherwise the system's default {@code iptables}; otherwise nft
     * when its binaries are installed, else legacy.
     */
    static Backend detect(CommandRunner runner) {
        Objects.requireNonNull(runner, "runner");
        int legacy = ruleCount(runner, new Backend(IptablesMode.LEGACY));
        int nft = ruleCount(runner, new Backend(IptablesMode.NFT));
        if (legacy > 0 || nft > 0) {
            return new Backend(legacy > nft ? IptablesMode.LEGACY : IptablesMode.NFT);
        }
        if (runner.find("iptables").isPresent()) {
            CommandRunner.Result version = runner.run("iptables", List.of("--version"), "");
            if (version.ok() && version.stdout().contains("legacy")) {
                return new Backend(IptablesMode.LEGACY);
            }
            if (version.ok() && version.stdout().contains("nf_tables")) {
                return new Backend(IptablesMode.NFT);
            }
        }
        return new Backend(runner.find("iptables-nft-restore").isPresent() ? IptablesMode.NFT : IptablesMode.LEGACY);
    }

    private static int ruleCount(CommandRunner runner, Backend backend) {
        String save = backend.save(IpFamily.IPV4);
        if (runner.find(save).isEmpty()) {
            return -1;
        }
        CommandRunner.Result r = runner.run(save, List.of(), "");
        if (!r.ok()) {
            return -1;
        }
        return (int) r.stdout().lines().filter(l -> l.startsWith("-A ")).count();
    }
}
