package io.outrigger.proxy.tcp;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open TCP sessions of a server, so that drain can wait for them to finish and then close the
 * rest. Touched once when a session opens and once when it ends, never per byte.
 */
public final class SessionRegistry {
    private final Set<TcpSession> open = ConcurrentHashMap.newKeySet();

    void add(TcpSession session) {
        open.add(session);
    }

    void remove(TcpSession session) {
        open.remove(session);
    }

    /** How many sessions are open now. */
    public int size() {
        return open.size();
    }

    /** Closes every open session at once (with a FIN, not a reset): the end of a drain. */
    public void closeAll() {
        for (TcpSession s : open) {
            s.closeFromOutside();
        }
    }
}
