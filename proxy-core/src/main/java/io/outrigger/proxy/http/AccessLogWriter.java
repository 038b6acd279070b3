package io.outrigger.proxy.http;

import io.outrigger.xds.snapshot.AccessLogSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes access log lines on its own thread: event loops only enqueue the finished
 * {@link StreamInfo} (a bounded queue; when it is full the entry is dropped and counted, so a slow
 * disk never blocks the data path). Formatting and I/O happen here.
 */
final class AccessLogWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AccessLogWriter.class);

    private record Entry(List<Sink> sinks, StreamInfo info) {
    }

    /** One configured log: a format and where it goes. */
    record Sink(AccessLogFormat format, String path) {
    }

    private final BlockingQueue<Entry> queue = new ArrayBlockingQueue<>(16_384);
    private final Map<String, OutputStream> outputs = new HashMap<>();
    private final LongAdder dropped = new LongAdder();
    private final Thread thread;
    private volatile boolean closed;

    AccessLogWriter() {
        thread = Thread.ofPlatform().daemon().name("outrigger-access-log").start(this::run);
    }

    static Sink sink(AccessLogSpec spec) {
        return new Sink(new AccessLogFormat(spec.format()), spec.path());
    }

    /** Event loops: never blocks. */
    void log(List<Sink> sinks, StreamInfo info) {
        if (!queue.offer(new Entry(sinks, info))) {
            dropped.increment();
        }
    }

    long dropped() {
        return dropped.sum();
    }

    private void run() {
        while (!closed || !queue.isEmpty()) {
            Entry e;
            try {
                e = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException ex) {
                return;
            }
            if (e == null) {
                flushAll();
                continue;
            }
            for (Sink s : e.sinks()) {
                write(s.path(), s.format().format(e.info()));
            }
            if (queue.isEmpty()) {
                flushAll();
            }
        }
        flushAll();
    }

    private void write(String path, String line) {
        try {
            OutputStream out = outputs.get(path);
            if (out == null) {
                out = switch (path) {
                    case AccessLogSpec.STDOUT -> System.out;
                    case AccessLogSpec.STDERR -> System.err;
                    default -> new java.io.BufferedOutputStream(Files.newOutputStream(Path.of(path),
                            StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE));
                };
                outputs.put(path, out);
            }
            out.write(line.getBytes(StandardCharsets.UTF_8));
        } catch (IOException ex) {
            LOG.warn("access log {}: {}", path, ex.toString());
        }
    }

    private void flushAll() {
        for (OutputStream o : outputs.values()) {
            try {
                o.flush();
            } catch (IOException ignored) {
                // reported on the next write
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Map.Entry<String, OutputStream> o : outputs.entrySet()) {
            if (!o.getKey().startsWith("/dev/std")) {
                try {
                    o.getValue().close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }
    }
}
