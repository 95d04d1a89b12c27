package dev.oauthfilter.jaxrs;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;

/**
 * Captures the {@code Authorization} header of each incoming JAX-RS request for token propagation
 * ({@code oauth.<name>.propagate=true}) and forgets it when the response leaves. Discovered as a {@link Provider}
 * in the application's libraries; an application whose {@code Application} lists its classes must list this one.
 */
@Provider
@Priority(Priorities.AUTHENTICATION - 100)
public class IncomingAuthorizationFilter implements ContainerRequestFilter, ContainerResponseFilter {

    @Override
    public void filter(ContainerRequestContext request) {
        // set on every request, even to nothing: a pooled thread must never carry the previous caller's token
        IncomingAuthorization.set(request.getHeaderString(HttpHeaders.AUTHORIZATION));
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        IncomingAuthorization.set(null);
    }
}
