package io.outrigger.proxy.capture;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * An app making {@code count} sequential connections to {@code host:port}, reading the first
 * line of each and closing it. Prints {@code OK <count> <first line>} when all succeeded, or
 * {@code FAILED <index> <error>} and exits 1 at the first failure. JDK only.
 *
 * <p>Usage: {@code ConnectLoop <host> <port> <count>}.
 */
public final class ConnectLoop {
    private ConnectLoop() {
    }

    public static void main(String[] args) {
        InetSocketAddress target = new InetSocketAddress(InetAddress.ofLiteral(args[0]), Integer.parseInt(args[1]));
        int count = Integer.parseInt(args[2]);
        String first = null;
        for (int i = 0; i < count; i++) {
            try (Socket s = new Socket()) {
                s.connect(target, 10_000);
                s.setSoTimeout(10_000);
                String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
                        .readLine();
                if (line == null) {
                    throw new IOException("closed without a reply");
                }
                if (first == null) {
                    first = line;
                }
            } catch (IOException e) {
                System.out.println("FAILED " + i + " " + e);
                System.out.flush();
                System.exit(1);
            }
        }
        System.out.println("OK " + count + " " + first);
        System.out.flush();
    }
}
