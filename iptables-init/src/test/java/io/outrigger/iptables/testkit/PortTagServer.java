package io.outrigger.iptables.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A stand-in for "whatever listens on a port" in a pod: on every TCP connection and every UDP
 * datagram it answers with one line {@code <name>:<port>} naming the listener that got it, so a
 * test sees where a connection really landed (the app, the outbound capture port, the inbound
 * capture port...). Prints {@code READY} once every socket is bound.
 *
 * <p>Usage: {@code PortTagServer <name> tcp:<port>[@<address>]... udp:<port>[@<address>]...}; start it with
 * {@link Pod#startJava}.
 */
public final class PortTagServer {

    private PortTagServer() {}

    /** Binds every requested port (all addresses, IPv4 and IPv6) and serves until killed. */
    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length < 2) {
            System.err.println("usage: PortTagServer <name> tcp:<port>|udp:<port>...");
            System.exit(2);
        }
        String name = args[0];
        List<Thread> threads = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            // tcp:<port> or udp:<port>@<address>; a DNS proxy binds 127.0.0.1 so its answers
            // leave from the address the redirected query was sent to.
            String[] spec = args[i].split(":", 2);
            String[] portAndAddress = spec[1].split("@", 2);
            int port = Integer.parseInt(portAndAddress[0]);
            InetSocketAddress bindAddress = portAndAddress.length == 2
                    ? new InetSocketAddress(InetAddress.ofLiteral(portAndAddress[1]), port)
                    : new InetSocketAddress(port);
            byte[] tag = (name + ":" + port + "\n").getBytes(StandardCharsets.US_ASCII);
            if (spec[0].equals("tcp")) {
                ServerSocket server = new ServerSocket();
                server.setReuseAddress(true);
                server.bind(bindAddress, 512);
                threads.add(Thread.ofPlatform().start(() -> serveTcp(server, tag)));
            } else {
                DatagramSocket socket = new DatagramSocket(null);
                socket.setReuseAddress(true);
                socket.bind(bindAddress);
                threads.add(Thread.ofPlatform().start(() -> serveUdp(socket, tag)));
            }
        }
        System.out.println("READY");
        System.out.flush();
        for (Thread t : threads) {
            t.join();
        }
    }

    private static void serveTcp(ServerSocket server, byte[] tag) {
        while (true) {
            try (Socket s = server.accept(); OutputStream out = s.getOutputStream()) {
                out.write(tag);
                out.flush();
            } catch (IOException e) {
                // One failed peer must not stop the listener.
            }
        }
    }

    private static void serveUdp(DatagramSocket socket, byte[] tag) {
        byte[] buffer = new byte[512];
        while (true) {
            try {
                DatagramPacket in = new DatagramPacket(buffer, buffer.length);
                socket.receive(in);
                socket.send(new DatagramPacket(tag, tag.length, in.getSocketAddress()));
            } catch (IOException e) {
                // Keep serving.
            }
        }
    }
}
