package io.outrigger.iptables.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A pod: a network namespace with {@code lo} up and an {@code eth0} veth on the
 * {@link PodNetwork}'s bridge, with an IPv4 address (and an IPv6 one when the network has IPv6).
 * Commands run inside it through {@code ip netns exec}, optionally as another uid/gid through
 * {@code setpriv} (to act as the app, or as the proxy's uid 1337).
 */
public final class Pod {

    private final PodNetwork network;
    private final String name;
    private final String netns;
    private final String ipv4;
    private final String ipv6;

    Pod(PodNetwork network, String name, String netns, String ipv4, String ipv6) {
        this.network = network;
        this.name = name;
        this.netns = netns;
        this.ipv4 = ipv4;
        this.ipv6 = ipv6;
    }

    /** The name given to {@link PodNetwork#addPod}. */
    public String name() {
        return name;
    }

    /** The network namespace's name (for {@code ip netns exec}). */
    public String netns() {
        return netns;
    }

    /** The pod's IPv4 address, e.g. {@code 10.213.7.2}. */
    public String ipv4() {
        return ipv4;
    }

    /** The pod's IPv6 address, e.g. {@code fd00:213:7::2}; null when the network has no IPv6. */
    public String ipv6() {
        return ipv6;
    }

    /** Runs a command in the pod as root and waits for it (60 s at most). */
    public ExecResult exec(String... command) {
        return Commands.run(inPod(-1, List.of(command)), Commands.DEFAULT_TIMEOUT);
    }

    /** Runs a command in the pod as {@code uid} (gid = uid, no supplementary groups). */
    public ExecResult execAs(int uid, String... command) {
        return Commands.run(inPod(uid, List.of(command)), Commands.DEFAULT_TIMEOUT);
    }

    /** Runs a command in the pod with a time limit; status 124 when it had to be killed. */
    public ExecResult execAs(int uid, Duration timeout, String... command) {
        return execAs(uid, uid, timeout, command);
    }

    /** Runs a command in the pod as {@code uid} and {@code gid}, with a time limit. */
    public ExecResult execAs(int uid, int gid, Duration timeout, String... command) {
        return Commands.run(inPod(uid, gid, List.of(command)), timeout);
    }

    /** Starts a long-running command in the pod as root; it is killed when the network closes. */
    public PodProcess start(String... command) {
        return startAs(-1, command);
    }

    /** Starts a long-running command in the pod as {@code uid}; killed when the network closes. */
    public PodProcess startAs(int uid, String... command) {
        return network.track(String.join(" ", command) + " in " + name, inPod(uid, List.of(command)));
    }

    /**
     * Starts {@code mainClass} (which must be on this JVM's class path, e.g. from the test
     * sources) in a JVM inside the pod, as {@code uid} (-1: root).
     */
    public PodProcess startJava(int uid, Class<?> mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(Commands.javaLauncher(), "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-Xshare:auto", "--enable-native-access=ALL-UNNAMED",
                "-cp", codeSource(mainClass), mainClass.getName()));
        command.addAll(List.of(args));
        return startAs(uid, command.toArray(String[]::new));
    }

    /**
     * Runs Outrigger's iptables-init (this module's main class, from the class path) in the pod,
     * as root, and waits for it.
     */
    public ExecResult runIptablesInit(String... args) {
        Class<?> main;
        try {
            main = Class.forName("io.outrigger.iptables.IptablesInit");
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("outrigger-iptables-init is not on the class path", e);
        }
        List<String> command = new ArrayList<>(List.of(Commands.javaLauncher(), "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-cp", codeSource(main), main.getName()));
        command.addAll(List.of(args));
        return Commands.run(inPod(-1, command), Duration.ofSeconds(120));
    }

    /**
     * Opens a TCP connection from the pod as {@code uid} with bash's {@code /dev/tcp} and returns
     * the first line the server sends, or null when the connection failed or nothing arrived
     * within 10 s.
     */
    public String tcpFirstLine(int uid, String host, int port) {
        return tcpFirstLine(uid, uid, host, port);
    }

    /** As {@link #tcpFirstLine(int, String, int)}, as {@code uid} with primary group {@code gid}. */
    public String tcpFirstLine(int uid, int gid, String host, int port) {
        ExecResult r = execAs(uid, gid, Duration.ofSeconds(20), "timeout", "10", "bash", "-c",
                "exec 3<>/dev/tcp/" + host + "/" + port + " && IFS= read -r line <&3 && printf '%s' \"$line\"");
        return r.ok() ? r.stdout() : null;
    }

    /**
     * Sends one UDP datagram from the pod as {@code uid} and returns the first line of the first
     * answer, or null when none arrived within 5 s.
     */
    public String udpFirstLine(int uid, String host, int port) {
        ExecResult r = execAs(uid, Duration.ofSeconds(20), "timeout", "5", "bash", "-c",
                "exec 3<>/dev/udp/" + host + "/" + port + " && printf 'q\\n' >&3 && head -n 1 <&3");
        return r.ok() ? r.stdout().strip() : null;
    }

    private List<String> inPod(int uid, List<String> command) {
        return inPod(uid, uid, command);
    }

    private List<String> inPod(int uid, int gid, List<String> command) {
        Objects.requireNonNull(command, "command");
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", netns));
        if (uid >= 0) {
            full.addAll(List.of("setpriv", "--reuid", Integer.toString(uid), "--regid", Integer.toString(gid),
                    "--clear-groups", "--"));
        }
        full.addAll(command);
        return full;
    }

    private static String codeSource(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException | RuntimeException e) {
            throw new IllegalStateException("cannot locate the class path entry of " + type.getName(), e);
        }
    }

    @Override
    public String toString() {
        return "pod " + name + " (" + netns + ", " + ipv4 + (ipv6 == null ? "" : ", " + ipv6) + ")";
    }
}
