package io.outrigger.proxy.inject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a systemd unit's settings the way systemd does for the ones the tests run: continuation
 * lines, and command lines split into words with double quotes ({@code ""} is an empty argument).
 */
record SystemdUnit(List<String> lines) {

    static SystemdUnit read(Path file) throws IOException {
        List<String> joined = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Files.readAllLines(file)) {
            String l = line.strip();
            if (current.isEmpty() && (l.startsWith("#") || l.startsWith(";"))) {
                continue;
            }
            if (l.endsWith("\\")) {
                current.append(l, 0, l.length() - 1).append(' ');
                continue;
            }
            current.append(l);
            joined.add(current.toString());
            current.setLength(0);
        }
        return new SystemdUnit(List.copyOf(joined));
    }

    /** The value of {@code key=} (the last one, as systemd takes for single-valued settings). */
    String value(String key) {
        String found = null;
        for (String l : lines) {
            if (l.startsWith(key + "=")) {
                found = l.substring(key.length() + 1).strip();
            }
        }
        if (found == null) {
            throw new IllegalArgumentException("no " + key + "= in the unit");
        }
        return found;
    }

    /** A command setting (ExecStart=...) split into argv, as systemd splits it. */
    List<String> command(String key) {
        String v = value(key);
        List<String> words = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean quoted = false;
        boolean inWord = false;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '"') {
                quoted = !quoted;
                inWord = true;
            } else if (Character.isWhitespace(c) && !quoted) {
                if (inWord) {
                    words.add(w.toString());
                    w.setLength(0);
                    inWord = false;
                }
            } else {
                w.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(w.toString());
        }
        return words;
    }
}
