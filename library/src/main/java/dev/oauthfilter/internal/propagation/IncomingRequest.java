package dev.oauthfilter.internal.propagation;

import jakarta.enterprise.context.RequestScoped;

import java.util.Optional;

/**
 * The incoming request's {@code Authorization} header, held by the request's own CDI context (see
 * {@link IncomingAuthorization}). Public only because CDI proxies it; applications use {@link IncomingAuthorization}.
 */
@RequestScoped
public class IncomingRequest {

    private String authorization;

    Optional<String> authorization() {
        return Optional.ofNullable(authorization);
    }

    void authorization(String value) {
        this.authorization = value;
    }

    @Override
    public String toString() {
        return "IncomingRequest[" + (authorization == null ? "no Authorization header" : "Authorization header present")
                + "]";
    }
}
