package io.outrigger.iptables;

/** Which iptables backend the rules are written with ({@code --iptables-mode}). */
enum IptablesMode {
    /** {@code iptables-nft}: the xtables-over-nf_tables compatibility layer. */
    NFT,
    /** {@code iptables-legacy}: the x_tables kernel interface. */
    LEGACY
}
