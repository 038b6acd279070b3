package io.outrigger.xds.snapshot;

/**
 * A network filter of a filter chain. Sealed: each kind we implement is a record here, so the
 * data path handles every kind or fails to compile.
 */
public sealed interface NetworkFilterSpec permits TcpProxySpec, HttpConnectionManagerSpec, RbacSpec {
    /** The filter's name as written in the config. */
    String name();
}
