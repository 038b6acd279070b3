package io.outrigger.proxy.stats;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The proxy's statistics in Envoy's model: each stat has Envoy's dotted name (for {@code /stats})
 * and Envoy's Prometheus name and tags (for {@code /stats/prometheus}), and is backed by a
 * {@link LongAdder} that the data path increments directly. Stats are bound once, when config is
 * applied; nothing here runs per connection.
 *
 * <p>Prometheus names are Envoy's exactly ({@code envoy_cluster_upstream_cx_connect_fail}, not
 * {@code ..._fail_total}), because dashboards and alerts written for Envoy and Istio query them by
 * name. Micrometer renders every counter with a {@code _total} suffix and strips it from gauges, so
 * the Prometheus type follows the name: a stat whose Envoy name ends in {@code _total} is exported
 * as a counter, any other as a gauge (e.g. {@code upstream_cx_connect_fail}, a counter in Envoy,
 * keeps its exact name with {@code # TYPE gauge}).
 */
public final class Stats {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<Entry> entries = new CopyOnWriteArrayList<>();
    // Binding is idempotent: a configuration update binds the stats of a listener or cluster that
    // stays again, and must get the same adder (Micrometer would keep exporting the first one).
    private final Map<String, LongAdder> bound = new ConcurrentHashMap<>();
    private final Set<String> external = ConcurrentHashMap.newKeySet();

    /** One bound stat: Envoy's dotted name and its source. */
    record Entry(String dottedName, LongSupplier value) {
    }

    /**
     * Binds a counter named {@code scope.<tagValue>.name} / {@code envoy_<scope>_<name>{tagKey=tagValue}};
     * binding the same name again returns the adder bound first.
     */
    public synchronized LongAdder counter(Scope scope, String name) {
        LongAdder existing = bound.get(scope.dotted(name));
        if (existing != null) {
            return existing;
        }
        LongAdder adder = new LongAdder();
        String promName = "envoy_" + scope.prefix() + "_" + name;
        Tags tags = scope.tags();
        if (name.endsWith("_total")) {
            FunctionCounter.builder(promName, adder, LongAdder::doubleValue).tags(tags).register(registry);
        } else {
            Gauge.builder(promName, adder, LongAdder::doubleValue).tags(tags).register(registry);
        }
        entries.add(new Entry(scope.dotted(name), adder::sum));
        bound.put(scope.dotted(name), adder);
        return adder;
    }

    /** Binds a gauge (e.g. {@code cx_active}); the data path increments and decrements it. Idempotent like {@link #counter}. */
    public synchronized LongAdder gauge(Scope scope, String name) {
        LongAdder existing = bound.get(scope.dotted(name));
        if (existing != null) {
            return existing;
        }
        LongAdder adder = new LongAdder();
        String promName = "envoy_" + scope.prefix() + "_" + name;
        if (name.endsWith("_total")) {
            // Micrometer strips "_total" from gauge names; only a counter keeps it in the output.
            FunctionCounter.builder(promName, adder, LongAdder::doubleValue).tags(scope.tags()).register(registry);
        } else {
            Gauge.builder(promName, adder, LongAdder::doubleValue).tags(scope.tags()).register(registry);
        }
        entries.add(new Entry(scope.dotted(name), adder::sum));
        bound.put(scope.dotted(name), adder);
        return adder;
    }

    /**
     * Binds a stat without tags whose value another component keeps, e.g. the ADS client's
     * {@code cluster_manager.cds.update_success}: {@code /stats} shows the dotted name, Prometheus
     * {@code envoy_} + the name with dots as underscores, as Envoy's exporter writes untagged stats.
     * Binding a name already bound does nothing.
     */
    public synchronized void external(String dottedName, LongSupplier value) {
        Objects.requireNonNull(dottedName, "dottedName");
        Objects.requireNonNull(value, "value");
        if (bound.containsKey(dottedName) || external.contains(dottedName)) {
            return;
        }
        String promName = "envoy_" + dottedName.replace('.', '_');
        if (dottedName.endsWith("_total")) {
            FunctionCounter.builder(promName, value, v -> v.getAsLong()).register(registry);
        } else {
            Gauge.builder(promName, value, v -> v.getAsLong()).register(registry);
        }
        entries.add(new Entry(dottedName, value));
        external.add(dottedName);
    }

    /**
     * Binds a network RBAC counter: {@code <stat_prefix>.rbac.<name>} (Envoy joins the prefix with a dot
     * unless it ends with one), exported as {@code envoy_rbac_<name>{envoy_rbac_prefix="<stat_prefix>"}} the
     * way Envoy's tag extraction names it.
     */
    public LongAdder rbacCounter(String statPrefix, String name) {
        String prefix = statPrefix.endsWith(".") ? statPrefix.substring(0, statPrefix.length() - 1) : statPrefix;
        return stat(prefix + ".rbac." + name, "envoy_rbac_" + name, Tags.of("envoy_rbac_prefix", prefix));
    }

    /**
     * Binds a stat with an explicit dotted name and Prometheus name/tags, for stats whose Envoy name does not
     * follow the one-tag scopes (TLS stats of a listener or cluster, certificate expiry). Counters whose
     * Prometheus name ends in {@code _total} are exported as counters, others as gauges (see the class doc).
     */
    public synchronized LongAdder stat(String dottedName, String prometheusName, Tags tags) {
        LongAdder existing = bound.get(dottedName);
        if (existing != null) {
            return existing;
        }
        LongAdder adder = new LongAdder();
        if (prometheusName.endsWith("_total")) {
            FunctionCounter.builder(prometheusName, adder, LongAdder::doubleValue).tags(tags).register(registry);
        } else {
            Gauge.builder(prometheusName, adder, LongAdder::doubleValue).tags(tags).register(registry);
        }
        entries.add(new Entry(dottedName, adder::sum));
        bound.put(dottedName, adder);
        return adder;
    }

    /** The Prometheus text exposition ({@code /stats/prometheus}). */
    public String scrape() {
        return registry.scrape();
    }

    /** Envoy's {@code /stats} text: {@code name: value} per line, sorted by name. */
    public String text() {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparing(Entry::dottedName));
        StringBuilder sb = new StringBuilder();
        for (Entry e : sorted) {
            sb.append(e.dottedName()).append(": ").append(e.value().getAsLong()).append('\n');
        }
        return sb.toString();
    }

    /** The value of the stat with this dotted name, e.g. {@code cluster.backend.upstream_cx_total}; -1 if none. */
    public long value(String dottedName) {
        for (Entry e : entries) {
            if (e.dottedName().equals(dottedName)) {
                return e.value().getAsLong();
            }
        }
        return -1;
    }

    /**
     * Where a stat lives: Envoy's scope prefix ({@code cluster}, {@code listener}, {@code tcp}), the
     * Prometheus tag Envoy extracts from the name, and the tag's value.
     */
    public record Scope(String prefix, String tagKey, String tagValue) {
        public Scope {
            Objects.requireNonNull(prefix, "prefix");
            Objects.requireNonNull(tagKey, "tagKey");
            Objects.requireNonNull(tagValue, "tagValue");
        }

        /** {@code cluster.<name>.*}, tag {@code envoy_cluster_name}. */
        public static Scope cluster(String name) {
            return new Scope("cluster", "envoy_cluster_name", name);
        }

        /** {@code listener.<address>.*} with the address as Envoy writes it: {@code 127.0.0.1_10000}. */
        public static Scope listener(String host, int port) {
            return new Scope("listener", "envoy_listener_address", host + "_" + port);
        }

        /** {@code tcp.<stat_prefix>.*}, tag {@code envoy_tcp_prefix}. */
        public static Scope tcp(String statPrefix) {
            return new Scope("tcp", "envoy_tcp_prefix", statPrefix);
        }

        Tags tags() {
            return Tags.of(tagKey, tagValue);
        }

        String dotted(String name) {
            return prefix + "." + tagValue + "." + name;
        }
    }
}
