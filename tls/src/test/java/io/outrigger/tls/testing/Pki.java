package io.outrigger.tls.testing;

import io.outrigger.tls.ca.DevCa;
import io.outrigger.tls.identity.SpiffeId;
import io.outrigger.tls.identity.TrustDomain;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;

/** Certificate authorities shared by the handshake tests: two clusters of one mesh and a federated mesh. */
public final class Pki {
    public static final TrustDomain LOCAL = new TrustDomain("cluster.local");
    public static final TrustDomain REMOTE = new TrustDomain("cluster2.example");
    public static final SpiffeId FRONTEND = SpiffeId.istio("cluster.local", "prod", "frontend");
    public static final SpiffeId BACKEND = SpiffeId.istio("cluster.local", "prod", "backend");
    public static final SpiffeId REMOTE_CLIENT = SpiffeId.istio("cluster2.example", "prod", "frontend");

    /** cluster.local's CA. */
    public static final DevCa LOCAL_CA = DevCa.create(LOCAL, Duration.ofDays(30), Clock.systemUTC(), new SecureRandom());
    /** cluster2.example's CA, a different root. */
    public static final DevCa REMOTE_CA = DevCa.create(REMOTE, Duration.ofDays(30), Clock.systemUTC(), new SecureRandom());
    /** An impostor: a root that also claims cluster.local. */
    public static final DevCa ROGUE_LOCAL_CA = DevCa.create(LOCAL, Duration.ofDays(30), Clock.systemUTC(),
            new SecureRandom());

    private Pki() {
    }
}
