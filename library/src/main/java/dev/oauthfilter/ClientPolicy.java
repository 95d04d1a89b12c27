package dev.oauthfilter;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A client's rules for the filter, the policy part of its {@link OAuthClientConfig}: where its token may go
 * ({@link OAuthClientConfig.Builder#allowedHost}) and whether a 401 makes the filter get a new token and replay the
 * request ({@link OAuthClientConfig.Builder#retryOnUnauthorized}). They belong to the client, not to the token source
 * that clients with the same credentials share: two clients of one source keep their own rules.
 *
 * <pre>{@code
 * ClientPolicy policy = config.policy();
 * policy.allows(URI.create("https://api.example.com/notes"));
 * }</pre>
 */
public final class ClientPolicy {

    /** The rules of a provider that is not a configured client's: tokens go anywhere, no replay. */
    public static final ClientPolicy UNRESTRICTED = checked(List.of(), false);

    private final AllowedHosts allowedHosts;
    private final boolean retryOnUnauthorized;

    private ClientPolicy(AllowedHosts allowedHosts, boolean retryOnUnauthorized) {
        this.allowedHosts = Objects.requireNonNull(allowedHosts, "allowedHosts");
        this.retryOnUnauthorized = retryOnUnauthorized;
    }

    /**
     * @param allowedHosts        where the token may go: host names, {@code *.domain} wildcards or http(s) base URIs;
     *                            empty for anywhere
     * @param retryOnUnauthorized whether a 401 is replayed once with a new token
     * @return the rules
     * @throws TokenException with {@link ErrorCode#INVALID_SETTING} for a malformed entry
     */
    public static ClientPolicy of(List<String> allowedHosts, boolean retryOnUnauthorized) {
        return new ClientPolicy(AllowedHosts.of(allowedHosts), retryOnUnauthorized);
    }

    private static ClientPolicy checked(List<String> allowedHosts, boolean retryOnUnauthorized) {
        return new ClientPolicy(new AllowedHosts(allowedHosts), retryOnUnauthorized);
    }

    /**
     * @param entry a would-be allowed-hosts entry
     * @return what is wrong with it, or null when it is a host name, a {@code *.domain} wildcard or an http(s) base
     *         URI
     */
    public static String problemWith(String entry) {
        return AllowedHosts.problemWith(entry);
    }

    /**
     * @param a a URI
     * @param b another
     * @return whether both have the same origin (scheme, host and port, the default port of the scheme when none):
     *         a redirect between them may carry the client's token
     */
    public static boolean sameOrigin(URI a, URI b) {
        return AllowedHosts.sameOrigin(a, b);
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

    /** The policy settings of a builder; {@link #build} checks every allowed-host entry. */
    static final class Draft {
        final List<String> allowedHosts = new ArrayList<>();
        boolean retryOnUnauthorized = true;

        ClientPolicy build(SettingErrors errors) {
            for (String target : allowedHosts) {
                String problem = AllowedHosts.problemWith(target);
                if (problem != null) {
                    throw errors.fail(ErrorCode.INVALID_SETTING,
                            errors.name(ClientSetting.ALLOWED_HOST) + ": " + problem);
                }
            }
            return checked(allowedHosts, retryOnUnauthorized);
        }
    }

    @Override
    public String toString() {
        return "ClientPolicy[allowedHosts=" + allowedHosts.entries() + ", retryOnUnauthorized=" + retryOnUnauthorized
                + "]";
    }
}
