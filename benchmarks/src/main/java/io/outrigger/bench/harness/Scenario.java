package io.outrigger.bench.harness;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * One side-by-side scenario: the load, and how each subject carries it.
 *
 * @param id     file-name-safe identifier, e.g. {@code tcp-rr-1k-open}
 * @param title  what the report heading says
 * @param load   the load, with a placeholder target that the runner replaces per subject
 * @param modes  how each proxy carries it; a subject missing here is not run. {@code DIRECT} maps to
 *               the mode that decides which backend port it hits.
 * @param notes  a label shown next to a subject's name when it runs differently from the others,
 *               e.g. Outrigger carrying HTTP through its TCP proxy until HTTP proxying lands
 */
public record Scenario(String id, String title, LoadSpec load, Map<SubjectKind, ProxyMode> modes,
                       Map<SubjectKind, String> notes) {

    public Scenario {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(load, "load");
        if (!id.matches("[a-z0-9][a-z0-9-]*")) {
            throw new IllegalArgumentException("id: " + id + " (expected: lower-case letters, digits and dashes)");
        }
        modes = Map.copyOf(new EnumMap<>(modes));
        notes = Map.copyOf(notes);
    }

    /** The same scenario with another duration and warm-up (for --baseline and --duration). */
    public Scenario timed(Duration duration, Duration warmup) {
        LoadSpec l = new LoadSpec(load.protocol(), load.target(), load.connections(), load.rate(), load.payloadBytes(),
                load.streams(), duration, warmup, load.path(), load.authority(), load.tls());
        return new Scenario(id, title, l, modes, notes);
    }

    /** Subject name as the report shows it, with its note if any. */
    public String label(SubjectKind k) {
        String note = notes.get(k);
        return note == null ? k.label() : k.label() + " (" + note + ")";
    }

    /** Whether throughput is reported in bytes per second rather than requests per second. */
    public boolean bulk() {
        return load.protocol() == Protocol.TCP_BULK;
    }
}
