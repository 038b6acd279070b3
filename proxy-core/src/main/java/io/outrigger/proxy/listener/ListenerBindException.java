package io.outrigger.proxy.listener;

/** A listener could not bind; the message names the listener, the address and the reason. */
public final class ListenerBindException extends Exception {
    private static final long serialVersionUID = 1L;

    public ListenerBindException(String listenerName, String address, Throwable cause) {
        super("listener \"" + listenerName + "\": cannot bind " + address + ": "
                + (cause == null ? "unknown error" : reason(cause)), cause);
    }

    private static String reason(Throwable cause) {
        String m = cause.getMessage();
        if (m != null && m.contains("Address already in use")) {
            return "address already in use";
        }
        return m == null ? cause.toString() : m;
    }
}
