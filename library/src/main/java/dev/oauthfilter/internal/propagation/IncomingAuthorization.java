package dev.oauthfilter.internal.propagation;

import jakarta.enterprise.context.ContextNotActiveException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.CDI;

import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The {@code Authorization} header of the incoming JAX-RS request being served, as captured by
 * {@link IncomingAuthorizationFilter}, for token propagation.
 *
 * <p>The header lives in a CDI {@link RequestScoped} bean, not in a thread: it is visible exactly while its own
 * request's context is active and is destroyed with that context by the container, whichever thread wrote the
 * response and however the request ended (resumed asynchronously, failed with an exception). Work that is not that
 * request (a servlet, a scheduled or managed-executor task, another request on the same pool thread) never sees it;
 * neither does a thread that the application starts itself, unless the container propagates the request context to
 * it. Outside CDI, only {@link #runWith(String, Runnable)} provides a header.
 */
public final class IncomingAuthorization {

    private static final Logger LOG = Logger.getLogger(IncomingAuthorization.class.getName());
    // only inside runWith, restored in its finally block: a lexical scope, never left behind on a thread
    private static final ThreadLocal<Optional<String>> EXPLICIT = new ThreadLocal<>();

    private IncomingAuthorization() {
    }

    /** @return the incoming request's {@code Authorization} header, if it has one */
    public static Optional<String> current() {
        Optional<String> explicit = EXPLICIT.get();
        if (explicit != null) {
            return explicit;
        }
        return RequestScope.read();
    }

    /**
     * Runs {@code work} as if serving a request with this {@code Authorization} header (for tests and for
     * non-JAX-RS entry points such as messaging listeners).
     *
     * @param authorization the header value, or null for a request without one
     * @param work          what to run
     */
    public static void runWith(String authorization, Runnable work) {
        Optional<String> previous = EXPLICIT.get();
        EXPLICIT.set(present(authorization));
        try {
            work.run();
        } finally {
            if (previous == null) {
                EXPLICIT.remove();
            } else {
                EXPLICIT.set(previous);
            }
        }
    }

    /** Records the header of the request whose context is active; does nothing without CDI. */
    static void capture(String authorization) {
        present(authorization).ifPresent(RequestScope::write);
    }

    private static Optional<String> present(String authorization) {
        return authorization == null || authorization.isBlank() ? Optional.empty() : Optional.of(authorization);
    }

    /** The CDI side, in a class of its own so that the library runs where the CDI API is absent. */
    private static final class RequestScope {

        static Optional<String> read() {
            return call(() -> {
                Instance<IncomingRequest> request = CDI.current().select(IncomingRequest.class);
                return request.isResolvable() ? request.get().authorization() : Optional.empty();
            });
        }

        static void write(String authorization) {
            Optional<Boolean> written = call(() -> {
                Instance<IncomingRequest> request = CDI.current().select(IncomingRequest.class);
                if (!request.isResolvable()) {
                    return Optional.of(Boolean.FALSE);
                }
                request.get().authorization(authorization);
                return Optional.of(Boolean.TRUE);
            });
            if (!written.orElse(Boolean.FALSE)) {
                LOG.fine("no active CDI request context: the incoming Authorization header is not kept for"
                        + " propagation");
            }
        }

        private static <T> Optional<T> call(Supplier<Optional<T>> access) {
            try {
                return access.get();
            } catch (ContextNotActiveException | IllegalStateException | LinkageError noRequestOrNoCdi) {
                return Optional.empty();
            }
        }
    }
}
