package dev.oauthfilter;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * A client's rules for the filter: where its token may go ({@code allowed-hosts}) and whether a 401 makes the
 * filter get a new token and replay the request ({@code retry-on-unauthorized}). They belong to the client, not to
 * the token source that clients with the same credentials share: two clients of one source keep their own rules.
 *
 * <pre>{@code
 * ClientPolicy policy = ClientPolicy.of(TokenProvider.of(config));   // the rules of config
 * policy.allows(URI.create("https://api.example.com/notes"));
 * }</pre>
 */
public final class ClientPolicy {

    /** The rules of a provider that is not a configured client's: tokens go anywhere, no replay. */
    public static final ClientPolicy UNRESTRICTED = new ClientPolicy(new AllowedHosts(List.of()), false);

    private final AllowedHosts allowedHosts;
    private final boolean retryOnUnauthorized;

    private ClientPolicy(AllowedHosts allowedHosts, boolean retryOnUnauthorized) {
        this.allowedHosts = Objects.requireNonNull(allowedHosts, "allowedHosts");
        this.retryOnUnauthorized = retryOnUnauthorized;
    }

    /**
     * @param allowedHosts        where the token may go
     * @param retryOnUnauthorized whether a 401 is replayed once with a new token
     * @return the rules
     */
    public static ClientPolicy of(AllowedHosts allowedHosts, boolean retryOnUnauthorized) {
        return new ClientPolicy(allowedHosts, retryOnUnauthorized);
    }

    /** @return the rules of a configuration ({@code allowed-hosts}, {@code retry-on-unauthorized}) */
    static ClientPolicy of(OAuthClientConfig config) {
        return new ClientPolicy(config.allowedHostsRule(), config.retryOnUnauthorized());
    }

    /**
     * @param tokens a provider
     * @return its client's rules when it is a configured client's ({@link TokenProvider#of}), else
     *         {@link #UNRESTRICTED}
     */
    public static ClientPolicy of(TokenProvider tokens) {
        return tokens instanceof ClientTokenProvider ? ((ClientTokenProvider) tokens).policy() : UNRESTRICTED;
    }

    /**
     * @param target a request URI
     * @return whether the client's token may be sent there
     */
    public boolean allows(URI target) {
        return allowedHosts.allows(target);
    }

    /** @return the allowed hosts, as configured; empty means anywhere */
    public List<String> allowedHosts() {
        return allowedHosts.entries();
    }

    /** @return whether a 401 makes the filter drop the token, get a new one and replay the request once */
    public boolean retryOnUnauthorized() {
        return retryOnUnauthorized;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ClientPolicy && ((ClientPolicy) other).allowedHosts.entries().equals(allowedHosts.entries())
                && ((ClientPolicy) other).retryOnUnauthorized == retryOnUnauthorized;
    }

    @Override
    public int hashCode() {
        return Objects.hash(allowedHosts.entries(), retryOnUnauthorized);
    }

    @Override
    public String toString() {
        return "ClientPolicy[allowedHosts=" + allowedHosts.entries() + ", retryOnUnauthorized=" + retryOnUnauthorized
                + "]";
    }
}
