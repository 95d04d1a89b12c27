package dev.oauthfilter.internal.propagation;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;

/**
 * Captures the {@code Authorization} header of each incoming JAX-RS request for token propagation
 * ({@code oauth.<name>.propagate=true}) into the request's CDI context, which the container destroys with the
 * request: there is nothing to clear, so nothing can be left behind on a pooled thread. Discovered as a
 * {@link Provider} in the application's libraries; an application whose {@code Application} lists its classes must
 * list this one.
 */
@Provider
@Priority(Priorities.AUTHENTICATION - 100)
public class IncomingAuthorizationFilter implements ContainerRequestFilter {

    @Override
    public void filter(ContainerRequestContext request) {
        IncomingAuthorization.capture(request.getHeaderString(HttpHeaders.AUTHORIZATION));
    }
}
