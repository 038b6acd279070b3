package io.outrigger.proxy.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on loopback between two proxies that keeps a copy of every byte it forwards in each
 * direction, so a test can look at what was on the wire. Blocking JDK sockets, a thread per direction.
 */
public final class WireTap implements AutoCloseable {
    private final ServerSocket server;
    private final ByteArrayOutputStream toServer = new ByteArrayOutputStream();
    private final ByteArrayOutputStream toClient = new ByteArrayOutputStream();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    public WireTap(int targetPort) throws IOException {
        server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("wiretap-" + server.getLocalPort()).start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket in = server.accept();
                    Socket out = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                    sockets.add(in);
                    sockets.add(out);
                    pump(in, out, toServer);
                    pump(out, in, toClient);
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    private static void pump(Socket from, Socket to, ByteArrayOutputStream copy) {
        Thread.ofPlatform().daemon().start(() -> {
            byte[] buf = new byte[16 * 1024];
            try {
                // Not try-with-resources: closing a socket's stream closes the socket, and the other
                // direction may still be running.
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buf)) >= 0) {
                    synchronized (copy) {
                        copy.write(buf, 0, n);
                    }
                    out.write(buf, 0, n);
                }
                to.shutdownOutput();
            } catch (IOException e) {
                try {
                    to.close();
                } catch (IOException ignored) {
                    // already closed
                }
            }
        });
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Everything sent from the client side towards the server side so far. */
    public byte[] clientToServer() {
        synchronized (toServer) {
            return toServer.toByteArray();
        }
    }

    /** Everything sent from the server side back to the client side so far. */
    public byte[] serverToClient() {
        synchronized (toClient) {
            return toClient.toByteArray();
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
