package io.outrigger.proxy.capture;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The app in a pod: on every TCP connection it answers one line
 * {@code <name>:<port> from <peer address>:<peer port>}, so a test sees which listener got the
 * connection and from which source (the client, or the proxy's {@code 127.0.0.6}), then keeps
 * the connection open until the client closes it. JDK only, started with {@code Pod.startJava}.
 *
 * <p>Usage: {@code PeerTagServer <name> <port>...}; prints {@code READY} once bound.
 */
public final class PeerTagServer {
    private PeerTagServer() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        String name = args[0];
        List<Thread> threads = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            int port = Integer.parseInt(args[i]);
            ServerSocket server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(port), 1024);
            threads.add(Thread.ofPlatform().start(() -> accept(server, name + ":" + port)));
        }
        System.out.println("READY");
        System.out.flush();
        for (Thread t : threads) {
            t.join();
        }
    }

    private static void accept(ServerSocket server, String tag) {
        while (true) {
            try {
                Socket s = server.accept();
                Thread.ofVirtual().start(() -> serve(s, tag));
            } catch (IOException e) {
                // Keep accepting.
            }
        }
    }

    private static void serve(Socket s, String tag) {
        try (s; OutputStream out = s.getOutputStream(); InputStream in = s.getInputStream()) {
            InetSocketAddress peer = (InetSocketAddress) s.getRemoteSocketAddress();
            String host = peer.getAddress().getHostAddress();
            out.write((tag + " from " + host + ":" + peer.getPort() + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] buf = new byte[512];
            while (in.read(buf) >= 0) {
                // Hold the connection until the client closes it.
            }
        } catch (IOException e) {
            // The client went away.
        }
    }
}
