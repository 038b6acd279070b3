package io.outrigger.iptables.testkit;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;

/**
 * A TPROXY stand-in for the proxy's inbound listener: a TCP listener with
 * {@code IP_TRANSPARENT} (IPv6: {@code IPV6_TRANSPARENT}, v6-only) set (the JDK has no such option, so the socket is driven through libc
 * with the Foreign Function API). For every accepted connection it answers one line
 * {@code <name>:<listen-port> to <original-ip>:<original-port>}: with TPROXY the accepted
 * socket's local address is the connection's original destination, which is what the proxy
 * routes on. Needs CAP_NET_ADMIN (run as root). Prints {@code READY} once listening.
 *
 * <p>Usage: {@code TransparentTagServer <name> <port> [ipv6]}; run with {@link Pod#startJava}.
 */
public final class TransparentTagServer {

    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int SOL_IPV6 = 41;
    private static final int IPV6_V6ONLY = 26;
    private static final int IPV6_TRANSPARENT = 75;
    private static final int SOCK_STREAM = 1;
    private static final int SOL_SOCKET = 1;
    private static final int SO_REUSEADDR = 2;
    private static final int SOL_IP = 0;
    private static final int IP_TRANSPARENT = 19;

    private TransparentTagServer() {}

    /** Listens on {@code 0.0.0.0:<port>} ({@code [::]:<port>}) transparently and serves until killed. */
    @SuppressWarnings("restricted") // libc calls are the point: the JDK cannot set IP_TRANSPARENT.
    public static void main(String[] args) throws Throwable {
        String name = args[0];
        int port = Integer.parseInt(args[1]);
        boolean ipv6 = args.length > 2 && args[2].equals("ipv6");
        Linker linker = Linker.nativeLinker();
        var libc = linker.defaultLookup();
        MethodHandle socket = linker.downcallHandle(libc.find("socket").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        MethodHandle setsockopt = linker.downcallHandle(libc.find("setsockopt").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                        ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        MethodHandle bind = linker.downcallHandle(libc.find("bind").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        MethodHandle listen = linker.downcallHandle(libc.find("listen").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        MethodHandle accept = linker.downcallHandle(libc.find("accept").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        MethodHandle getsockname = linker.downcallHandle(libc.find("getsockname").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        MethodHandle write = linker.downcallHandle(libc.find("write").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
        MethodHandle close = linker.downcallHandle(libc.find("close").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) socket.invokeExact(ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
            check(fd, "socket");
            MemorySegment one = arena.allocateFrom(ValueLayout.JAVA_INT, 1);
            check((int) setsockopt.invokeExact(fd, SOL_SOCKET, SO_REUSEADDR, one, 4), "SO_REUSEADDR");
            if (ipv6) {
                check((int) setsockopt.invokeExact(fd, SOL_IPV6, IPV6_V6ONLY, one, 4), "IPV6_V6ONLY");
                check((int) setsockopt.invokeExact(fd, SOL_IPV6, IPV6_TRANSPARENT, one, 4),
                        "IPV6_TRANSPARENT (needs CAP_NET_ADMIN)");
            } else {
                check((int) setsockopt.invokeExact(fd, SOL_IP, IP_TRANSPARENT, one, 4), "IP_TRANSPARENT (needs CAP_NET_ADMIN)");
            }
            int addressLength = ipv6 ? 28 : 16;
            MemorySegment address = sockaddr(arena, ipv6, port);
            check((int) bind.invokeExact(fd, address, addressLength), "bind");
            check((int) listen.invokeExact(fd, 128), "listen");
            System.out.println("READY");
            System.out.flush();
            MemorySegment local = arena.allocate(28);
            MemorySegment length = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment buffer = arena.allocate(256);
            while (true) {
                int client = (int) accept.invokeExact(fd, MemorySegment.NULL, MemorySegment.NULL);
                if (client < 0) {
                    continue;
                }
                length.set(ValueLayout.JAVA_INT, 0, addressLength);
                String reply = name + ":" + port + " to ?\n";
                if ((int) getsockname.invokeExact(client, local, length) == 0) {
                    reply = name + ":" + port + " to " + format(local, ipv6) + "\n";
                }
                byte[] bytes = reply.getBytes(StandardCharsets.US_ASCII);
                MemorySegment.copy(MemorySegment.ofArray(bytes), 0, buffer, 0, bytes.length);
                long written = (long) write.invokeExact(client, buffer, (long) bytes.length);
                if (written != bytes.length) {
                    System.err.println("short write: " + written);
                }
                int ignored = (int) close.invokeExact(client);
            }
        }
    }

    /**
     * struct sockaddr_in (16 bytes) or sockaddr_in6 (28 bytes) for the wildcard address: family
     * in host order, port in network order, address zero.
     */
    private static MemorySegment sockaddr(Arena arena, boolean ipv6, int port) {
        MemorySegment s = arena.allocate(ipv6 ? 28 : 16);
        s.set(ValueLayout.JAVA_SHORT, 0, (short) (ipv6 ? AF_INET6 : AF_INET));
        s.set(ValueLayout.JAVA_BYTE, 2, (byte) (port >>> 8));
        s.set(ValueLayout.JAVA_BYTE, 3, (byte) port);
        return s;
    }

    /** "ip:port" from a sockaddr_in / sockaddr_in6 (address at offset 4 / 8), Java's text form. */
    private static String format(MemorySegment address, boolean ipv6) throws java.net.UnknownHostException {
        int port = ((address.get(ValueLayout.JAVA_BYTE, 2) & 0xff) << 8) | (address.get(ValueLayout.JAVA_BYTE, 3) & 0xff);
        byte[] ip = address.asSlice(ipv6 ? 8 : 4, ipv6 ? 16 : 4).toArray(ValueLayout.JAVA_BYTE);
        return java.net.InetAddress.getByAddress(ip).getHostAddress() + ":" + port;
    }

    private static void check(int result, String what) {
        if (result < 0) {
            System.err.println(what + " failed");
            System.exit(1);
        }
    }
}
