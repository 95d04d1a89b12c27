package dev.oauthfilter.jaxrs;

import java.util.Optional;

/**
 * The {@code Authorization} header of the incoming JAX-RS request the current thread is serving, as captured by
 * {@link IncomingAuthorizationFilter}. Only visible on the thread that serves the request (not in asynchronous calls
 * made on other threads).
 */
public final class IncomingAuthorization {

    private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

    private IncomingAuthorization() {
    }

    /** @return the incoming request's {@code Authorization} header, if it has one */
    public static Optional<String> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    /**
     * Runs {@code work} as if serving a request with this {@code Authorization} header (for tests and for
     * non-JAX-RS entry points such as messaging listeners).
     *
     * @param authorization the header value, or null
     * @param work          what to run
     */
    public static void runWith(String authorization, Runnable work) {
        String previous = CURRENT.get();
        set(authorization);
        try {
            work.run();
        } finally {
            set(previous);
        }
    }

    static void set(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            CURRENT.remove();
        } else {
            CURRENT.set(authorization);
        }
    }
}
