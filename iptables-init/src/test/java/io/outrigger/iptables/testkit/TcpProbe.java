package io.outrigger.iptables.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A TCP client that can choose its source address (bash's {@code /dev/tcp} cannot), e.g. to
 * connect from {@code 127.0.0.6} as the proxy does when it forwards inbound traffic to the app.
 * Prints the first line the server sends; exits 1 when the connection fails.
 *
 * <p>Usage: {@code TcpProbe <source-address> <host> <port>}; run with {@link Pod#startJava}.
 */
public final class TcpProbe {

    private TcpProbe() {}

    /** Connects, prints the first line received, exits. */
    public static void main(String[] args) {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.ofLiteral(args[0]), 0));
            s.connect(new InetSocketAddress(InetAddress.ofLiteral(args[1]), Integer.parseInt(args[2])), 10_000);
            s.setSoTimeout(10_000);
            BufferedReader r = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            System.out.println("REPLY " + r.readLine());
        } catch (IOException e) {
            System.out.println("FAILED " + e);
            System.exit(1);
        }
    }
}
