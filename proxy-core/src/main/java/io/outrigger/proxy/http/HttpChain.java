package io.outrigger.proxy.http;

import io.outrigger.proxy.http.route.RouteTable;
import io.outrigger.xds.snapshot.AccessLogSpec;
import io.outrigger.xds.snapshot.HttpConnectionManagerSpec;
import io.outrigger.xds.snapshot.HttpFilterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One {@code http_connection_manager} as the data path runs it: the compiled route table, the fault
 * filter, limits, access logs and stats. Immutable; a new configuration builds a new one.
 */
public final class HttpChain {
    private final HttpConnectionManagerSpec spec;
    private final RouteTable routes;
    private final FaultInjector fault;
    private final HttpStats stats;
    private final List<AccessLogWriter.Sink> accessLogs;
    private final HttpContext context;

    /**
     * @throws IllegalArgumentException when the connection manager uses RDS (routes by name are
     *                                  not wired to the data path yet)
     */
    public HttpChain(HttpConnectionManagerSpec spec, HttpContext context) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.context = Objects.requireNonNull(context, "context");
        if (spec.routeConfig() == null) {
            throw new IllegalArgumentException("rds: route configuration \"" + spec.rdsRouteConfigName()
                    + "\" by RDS is not wired to the data path yet (expected: an inline route_config)");
        }
        this.routes = RouteTable.build(spec.routeConfig(), name -> {
            var p = context.pools(name);
            return p == null ? null : p.cluster().cluster();
        });
        FaultInjector f = null;
        for (HttpFilterSpec filter : spec.httpFilters()) {
            if (filter instanceof HttpFilterSpec.Fault fault) {
                f = new FaultInjector(fault);
            }
        }
        this.fault = f;
        this.stats = HttpStats.bind(context.stats(), spec.statPrefix());
        List<AccessLogWriter.Sink> logs = new ArrayList<>();
        for (AccessLogSpec l : spec.accessLogs()) {
            logs.add(AccessLogWriter.sink(l));
        }
        this.accessLogs = List.copyOf(logs);
    }

    HttpConnectionManagerSpec spec() {
        return spec;
    }

    RouteTable routes() {
        return routes;
    }

    /** The fault filter, or {@code null}. */
    FaultInjector fault() {
        return fault;
    }

    HttpStats stats() {
        return stats;
    }

    List<AccessLogWriter.Sink> accessLogs() {
        return accessLogs;
    }

    HttpContext context() {
        return context;
    }
}
