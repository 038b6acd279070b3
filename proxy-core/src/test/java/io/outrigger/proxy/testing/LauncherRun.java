package io.outrigger.proxy.testing;

import io.outrigger.proxy.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;

/**
 * The launcher's entry point run in the test JVM ({@link Main#run(PrintWriter, PrintWriter, String...)}),
 * for commands that return (validate, rejected configurations): the same code as the process
 * without a JVM start. Shaped like {@link OutriggerProcess} so tests read the same.
 */
public final class LauncherRun implements AutoCloseable {
    private final int code;
    private final String output;

    private LauncherRun(int code, String output) {
        this.code = code;
        this.output = output;
    }

    public static LauncherRun start(String... args) {
        StringWriter text = new StringWriter();
        PrintWriter w = new PrintWriter(text, true);
        int code = Main.run(w, w, args);
        w.flush();
        return new LauncherRun(code, text.toString());
    }

    /** The exit code (the command has already returned). */
    public int exitCode(Duration unused) {
        return code;
    }

    public String output() {
        return output;
    }

    @Override
    public void close() {
        // nothing runs after the command returned
    }
}
