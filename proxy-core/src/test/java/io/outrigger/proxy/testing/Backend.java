package io.outrigger.proxy.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP server on plain blocking JDK sockets (a platform thread per connection), so the
 * proxy is tested against an independent implementation rather than against Netty itself.
 */
public final class Backend implements AutoCloseable {
    /** What the backend does with one accepted connection. */
    @FunctionalInterface
    public interface Behaviour {
        void serve(Socket socket) throws IOException;
    }

    private final ServerSocket server;
    private final Thread acceptor;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();

    private Backend(Behaviour behaviour) throws IOException {
        server = new ServerSocket(0, 256, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofPlatform().daemon().name("backend-" + server.getLocalPort()).start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    accepted.incrementAndGet();
                    sockets.add(s);
                    Thread.ofPlatform().daemon().start(() -> {
                        try (s) {
                            behaviour.serve(s);
                        } catch (IOException ignored) {
                            // the test asserts on what the client sees
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    public static Backend start(Behaviour behaviour) {
        try {
            return new Backend(behaviour);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes back everything it reads; half-closes when the client does. */
    public static Backend echo() {
        return start(s -> {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
            }
            s.shutdownOutput();
        });
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Connections accepted so far. */
    public int accepted() {
        return accepted.get();
    }

    @Override
    public void close() {
        try {
            server.close();
            for (Socket s : sockets) {
                s.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
