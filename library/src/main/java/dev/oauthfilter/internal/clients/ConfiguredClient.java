package dev.oauthfilter.internal.clients;

import dev.oauthfilter.AccessToken;
import dev.oauthfilter.ClientPolicy;
import dev.oauthfilter.RequestAuthorization;
import dev.oauthfilter.TokenProvider;
import dev.oauthfilter.TokenStatus;

import java.net.URI;
import java.util.Objects;

/**
 * A configured client: its name, its {@link ClientPolicy rules} and the token source it draws from, which clients
 * with the same endpoint, credentials and settings share (one token for all of them). What
 * {@link TokenProvider#of(OAuthClientConfig)} returns; the filter reads the rules from it.
 */
public final class ConfiguredClient implements TokenProvider {

    private final String name;
    private final ClientPolicy policy;
    private final TokenProvider source;
    private final TokenStatus status;

    /**
     * @param name   the client's name
     * @param policy its rules
     * @param source where its tokens come from (possibly shared with other clients)
     * @param status what the readiness check and the metrics may observe of them
     */
    public ConfiguredClient(String name, ClientPolicy policy, TokenProvider source, TokenStatus status) {
        this.name = Objects.requireNonNull(name, "name");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.source = Objects.requireNonNull(source, "source");
        this.status = Objects.requireNonNull(status, "status");
    }

    @Override
    public AccessToken token() {
        return source.token();
    }

    @Override
    public String authorizationHeader() {
        return source.authorizationHeader();
    }

    @Override
    public RequestAuthorization authorization(String method, URI target) {
        return source.authorization(method, target);
    }

    @Override
    public boolean dpopNonce(URI target, String nonce) {
        return source.dpopNonce(target, nonce);
    }

    @Override
    public boolean invalidate(AccessToken rejected) {
        return source.invalidate(rejected);
    }

    /** @return the client's name */
    public String name() {
        return name;
    }

    /** @return the client's rules */
    public ClientPolicy policy() {
        return policy;
    }

    /** @return what can be observed of the client's tokens */
    public TokenStatus status() {
        return status;
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof ConfiguredClient)) {
            return false;
        }
        ConfiguredClient that = (ConfiguredClient) other;
        return name.equals(that.name) && policy.equals(that.policy) && source == that.source;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, policy, System.identityHashCode(source));
    }

    @Override
    public String toString() {
        return "ConfiguredClient[name=" + name + ", " + policy + ", source=" + source + "]";
    }
}
