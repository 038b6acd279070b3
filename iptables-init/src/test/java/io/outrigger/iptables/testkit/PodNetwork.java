package io.outrigger.iptables.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.junit.jupiter.api.Assumptions;

/**
 * A private network of pods for tests that need real iptables: a Linux bridge with no uplink and
 * no address on the host, and pods as network namespaces attached to it by veth pairs.
 *
 * <pre>{@code
 * PodNetwork.requireRoot();
 * try (PodNetwork net = PodNetwork.create(true)) {
 *     Pod a = net.addPod("a");
 *     Pod b = net.addPod("b");
 *     a.runIptablesInit("-u", "1337").orFail("iptables-init");
 *     ...
 * }
 * }</pre>
 *
 * <p>Names carry a random suffix (interface names stay within Linux's 15 characters) so that
 * parallel runs do not collide. Addresses are in {@code 10.213.N.0/24} and
 * {@code fd00:213:N::/64}, N random, reachable only inside this network. {@link #close()} kills
 * every process started in the pods, deletes the namespaces and the bridge; it is idempotent and
 * also runs from a JVM shutdown hook, so an aborted run leaves nothing behind.
 */
public final class PodNetwork implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String suffix;
    private final String bridge;
    private final int subnet;
    private final boolean ipv6;
    private final List<Pod> pods = new ArrayList<>();
    private final List<PodProcess> processes = new ArrayList<>();
    private final Thread shutdownHook;
    private boolean closed;

    private PodNetwork(boolean ipv6) {
        this.suffix = String.format(Locale.ROOT, "%06x", (RANDOM.nextInt() ^ ProcessHandle.current().pid()) & 0xffffff);
        this.bridge = "orb" + suffix;
        this.subnet = 1 + RANDOM.nextInt(254);
        this.ipv6 = ipv6;
        this.shutdownHook = new Thread(this::close, "podnetwork-" + suffix + "-teardown");
    }

    /**
     * Skips the calling test (JUnit assumption) unless running as root, which network namespaces,
     * veth pairs and iptables need. CI runs as root.
     */
    public static void requireRoot() {
        Assumptions.assumeTrue(isRoot(),
                "skipped: needs root for network namespaces and iptables (run as root, as CI does)");
    }

    /** True when this process runs as uid 0. */
    public static boolean isRoot() {
        try {
            Process p = new ProcessBuilder("id", "-u").start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            p.waitFor();
            return out.equals("0");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * True when the kernel has IPv6 (not booted with {@code ipv6.disable=1}); tests that need
     * IPv6 pods assume this.
     */
    public static boolean ipv6Supported() {
        return java.nio.file.Files.exists(java.nio.file.Path.of("/proc/net/if_inet6"));
    }

    /** Creates an IPv4-only network. */
    public static PodNetwork create() {
        return create(false);
    }

    /**
     * Creates a network; with {@code ipv6} every pod also gets an IPv6 address (check
     * {@link #ipv6Supported()} first).
     */
    public static PodNetwork create(boolean ipv6) {
        PodNetwork net = new PodNetwork(ipv6);
        Runtime.getRuntime().addShutdownHook(net.shutdownHook);
        try {
            Commands.runOrFail("ip", "link", "add", net.bridge, "type", "bridge");
            // Bridged frames must not go through the host's own iptables (br_netfilter).
            Commands.run("ip", "link", "set", net.bridge, "type", "bridge", "nf_call_iptables", "0",
                    "nf_call_ip6tables", "0");
            Commands.runOrFail("ip", "link", "set", net.bridge, "up");
        } catch (RuntimeException | AssertionError e) {
            net.close();
            throw e;
        }
        return net;
    }

    /** The bridge's name ({@code orb} + suffix). */
    public String bridge() {
        return bridge;
    }

    /** Adds a pod; its addresses end in .2, .3, ... in the order pods are added. */
    public synchronized Pod addPod(String name) {
        Objects.requireNonNull(name, "name");
        if (closed) {
            throw new IllegalStateException("network " + bridge + " is closed");
        }
        int index = pods.size();
        if (index > 200) {
            throw new IllegalStateException("pods: " + index + " (expected: at most 200 per network)");
        }
        String netns = "orp" + suffix + "-" + name;
        String hostVeth = "orv" + suffix + String.format(Locale.ROOT, "%02x", index);
        String ipv4 = "10.213." + subnet + "." + (index + 2);
        String ipv6Address = ipv6 ? "fd00:213:" + Integer.toHexString(subnet) + "::" + Integer.toHexString(index + 2) : null;
        Pod pod = new Pod(this, name, netns, ipv4, ipv6Address);
        pods.add(pod);
        Commands.runOrFail("ip", "netns", "add", netns);
        Commands.runOrFail("ip", "link", "add", hostVeth, "type", "veth", "peer", "name", "eth0", "netns", netns);
        Commands.runOrFail("ip", "link", "set", hostVeth, "master", bridge, "up");
        pod.exec("ip", "link", "set", "lo", "up").orFail("lo up in " + netns);
        pod.exec("ip", "addr", "add", ipv4 + "/24", "dev", "eth0").orFail("IPv4 address in " + netns);
        if (ipv6Address != null) {
            // Hosts may default new interfaces to disable_ipv6=1; this namespace's own sysctls are ours to set.
            pod.exec("bash", "-c", "for c in all default lo eth0; do echo 0 > /proc/sys/net/ipv6/conf/$c/disable_ipv6; done");
            // nodad: usable at once instead of "tentative" for a second or two.
            pod.exec("ip", "-6", "addr", "add", ipv6Address + "/64", "dev", "eth0", "nodad").orFail("IPv6 address in " + netns);
        }
        pod.exec("ip", "link", "set", "eth0", "up").orFail("eth0 up in " + netns);
        return pod;
    }

    /** The pods, in the order added. */
    public synchronized List<Pod> pods() {
        return List.copyOf(pods);
    }

    synchronized PodProcess track(String description, List<String> command) {
        if (closed) {
            throw new IllegalStateException("network " + bridge + " is closed");
        }
        try {
            PodProcess process = new PodProcess(description,
                    new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                            .start());
            processes.add(process);
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + description, e);
        }
    }

    /** Kills the pods' processes and deletes namespaces, veths and the bridge. Idempotent. */
    @Override
    public void close() {
        List<PodProcess> toKill;
        List<Pod> toDelete;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            toKill = List.copyOf(processes);
            toDelete = List.copyOf(pods);
        }
        for (PodProcess p : toKill) {
            p.close();
        }
        for (Pod pod : toDelete) {
            // Anything still running in the namespace (started by exec) would keep it alive.
            ExecResult pids = Commands.run("ip", "netns", "pids", pod.netns());
            for (String pid : pids.stdout().split("\\s+")) {
                if (!pid.isBlank()) {
                    Commands.run("kill", "-9", pid.strip());
                }
            }
            Commands.run("ip", "netns", "del", pod.netns());
        }
        Commands.run("ip", "link", "del", bridge);
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // Already shutting down: this is the hook running.
        }
    }

    @Override
    public String toString() {
        return "pod network " + bridge + " (10.213." + subnet + ".0/24)";
    }
}
