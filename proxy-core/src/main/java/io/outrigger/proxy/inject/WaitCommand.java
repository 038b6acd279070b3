package io.outrigger.proxy.inject;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code outrigger wait}: blocks until the proxy's readiness URL answers 200 (Istio's
 * {@code pilot-agent wait}). The classic sidecar's postStart hook runs it, so the kubelet starts
 * the app containers only once the proxy is ready; the image has no shell, hence a subcommand.
 * Exit 0 when ready, 1 on timeout.
 */
@Command(name = "wait", mixinStandardHelpOptions = true,
        description = "Wait until the proxy is ready (HTTP 200 from --url); exit 0, or 1 after --timeout-s.")
public final class WaitCommand implements Callable<Integer> {
    @Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--url", paramLabel = "URL", defaultValue = "http://127.0.0.1:15021/healthz/ready",
            description = "Readiness URL (default: ${DEFAULT-VALUE}).")
    private String url;

    @Option(names = "--timeout-s", paramLabel = "SECONDS", defaultValue = "60",
            description = "Give up after this long (default: ${DEFAULT-VALUE}).")
    private int timeoutSeconds;

    @Option(names = "--period-ms", paramLabel = "MILLIS", defaultValue = "200",
            description = "Time between attempts (default: ${DEFAULT-VALUE}).")
    private int periodMillis;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        if (timeoutSeconds < 1) {
            err.println("outrigger wait: --timeout-s: " + timeoutSeconds + " (expected: >= 1)");
            return 1;
        }
        if (periodMillis < 10) {
            err.println("outrigger wait: --period-ms: " + periodMillis + " (expected: >= 10)");
            return 1;
        }
        URI uri;
        try {
            uri = new URI(url);
            if (!"http".equals(uri.getScheme())) {
                throw new URISyntaxException(url, "not http");
            }
        } catch (URISyntaxException e) {
            err.println("outrigger wait: --url: '" + url + "' (expected: an http:// URL)");
            return 1;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        String last = "no attempt";
        while (true) {
            last = attempt(uri);
            if (last == null) {
                return 0;
            }
            if (System.nanoTime() - deadline >= 0) {
                break;
            }
            Thread.sleep(periodMillis);
        }
        err.println("outrigger wait: " + url + " not ready after " + timeoutSeconds + " s (last: " + last + ")");
        err.flush();
        return 1;
    }

    /** Null when the URL answered 200, else what it answered. */
    private String attempt(URI uri) {
        HttpURLConnection c = null;
        try {
            c = (HttpURLConnection) uri.toURL().openConnection();
            c.setConnectTimeout(1000);
            c.setReadTimeout(3000);
            int status = c.getResponseCode();
            try (InputStream body = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
                if (body != null) {
                    body.readAllBytes();
                }
            }
            return status == 200 ? null : "HTTP " + status;
        } catch (IOException e) {
            return e.toString();
        } finally {
            if (c != null) {
                c.disconnect();
            }
        }
    }
}
