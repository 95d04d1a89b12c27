package dev.oauthfilter;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a client's token requests go, the endpoint part of its {@link OAuthClientConfig}: a token URL, a Mobile
 * Client Access server and tenant, an App ID {@code oauthServerUrl}, or an issuer (or discovery URL) whose metadata
 * names the token endpoint; and whether plain http may be used. Immutable; computed and checked by
 * {@link OAuthClientConfig.Builder#build()}.
 *
 * <pre>{@code
 * TokenEndpoint endpoint = config.endpoint();
 * if (endpoint.layout() != EndpointLayout.DISCOVERY) {
 *     URI tokenUrl = endpoint.url();
 * }
 * }</pre>
 */
public final class TokenEndpoint {

    private static final Pattern TENANT_ID = Pattern.compile("[A-Za-z0-9._~-]+");
    private static final Pattern IPV4_LOOPBACK = Pattern.compile("127(\\.\\d{1,3}){3}");

    private final EndpointLayout layout;
    private final URI url;
    private final URI issuer;
    private final URI discoveryUrl;
    private final boolean allowInsecureHttp;

    private TokenEndpoint(EndpointLayout layout, URI url, URI issuer, URI discoveryUrl, boolean allowInsecureHttp) {
        this.layout = layout;
        this.url = url;
        this.issuer = layout == EndpointLayout.DISCOVERY ? issuer : null;
        this.discoveryUrl = layout == EndpointLayout.DISCOVERY ? discoveryUrl : null;
        this.allowInsecureHttp = allowInsecureHttp;
    }

    /** @return which endpoint layout the settings describe */
    public EndpointLayout layout() {
        return layout;
    }

    /**
     * @return the token endpoint URL; for {@link EndpointLayout#DISCOVERY}, the metadata document that names it
     *         (the token endpoint itself is discovered on first use)
     */
    public URI url() {
        return url;
    }

    /** @return the issuer whose metadata names the token endpoint, when discovery is configured with one */
    public Optional<URI> issuer() {
        return Optional.ofNullable(issuer);
    }

    /** @return the metadata document URL, when discovery is configured with one instead of an issuer */
    public Optional<URI> discoveryUrl() {
        return Optional.ofNullable(discoveryUrl);
    }

    /**
     * @param host a host a token request would go to
     * @return whether plain http may be used there: on loopback, or when insecure http is allowed
     */
    public boolean permitsPlainHttpTo(String host) {
        return allowInsecureHttp || isLoopback(host);
    }

    /** Whether a plain-http token endpoint is accepted on any host. */
    boolean allowsInsecureHttp() {
        return allowInsecureHttp;
    }

    @Override
    public String toString() {
        return "TokenEndpoint[layout=" + layout + ", url=" + url + "]";
    }

    private static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.endsWith(".localhost") || h.equals("[::1]") || h.equals("::1")
                || IPV4_LOOPBACK.matcher(h).matches();
    }

    /** The endpoint settings of a builder; {@link #build} computes the URL and checks it. */
    static final class Draft {
        URI tokenUrl;
        URI serverUrl;
        String tenantId;
        URI oauthServerUrl;
        URI issuer;
        URI discoveryUrl;
        boolean allowInsecureHttp;

        TokenEndpoint build(SettingErrors errors) {
            EndpointLayout layout = tokenUrl != null ? EndpointLayout.TOKEN_URL
                    : issuer != null || discoveryUrl != null ? EndpointLayout.DISCOVERY
                    : serverUrl != null ? EndpointLayout.MCA
                    : oauthServerUrl != null ? EndpointLayout.APP_ID : null;
            if (layout == null) {
                throw errors.fail(ErrorCode.MISSING_SERVER_URL, "no token endpoint: set "
                        + errors.name(ClientSetting.TOKEN_URL) + ", or " + errors.name(ClientSetting.ISSUER)
                        + " (discovery), or " + errors.name(ClientSetting.SERVER_URL) + " and "
                        + errors.name(ClientSetting.TENANT_ID) + " (Mobile Client Access), or "
                        + errors.name(ClientSetting.OAUTH_SERVER_URL) + " (App ID)"
                        + errors.names().endpointBinding().map(binding -> ", or " + binding).orElse(""));
            }
            URI url = url(layout, errors);
            requireSecure(url, errors);
            return new TokenEndpoint(layout, url, issuer, discoveryUrl, allowInsecureHttp);
        }

        private URI url(EndpointLayout layout, SettingErrors errors) {
            switch (layout) {
                case TOKEN_URL:
                    return errors.absoluteHttpUrl(tokenUrl, ClientSetting.TOKEN_URL);
                case DISCOVERY:
                    if (discoveryUrl != null) {
                        return errors.absoluteHttpUrl(discoveryUrl, ClientSetting.DISCOVERY_URL);
                    }
                    return URI.create(withoutTrailingSlash(errors.absoluteHttpUrl(issuer, ClientSetting.ISSUER))
                            + "/.well-known/openid-configuration");
                case MCA:
                    URI server = errors.absoluteHttpUrl(serverUrl, ClientSetting.SERVER_URL);
                    if (tenantId == null || tenantId.isBlank()) {
                        throw errors.fail(ErrorCode.MISSING_TENANT_ID, "the MCA tenant id is missing: set "
                                + errors.name(ClientSetting.TENANT_ID));
                    }
                    if (!TENANT_ID.matcher(tenantId).matches()) {
                        throw errors.invalid(ClientSetting.TENANT_ID,
                                "may only contain letters, digits, '.', '_', '~' and '-'");
                    }
                    String base = server.toString();
                    // the seed SDK inserts the slash only when the server URL lacks one
                    return URI.create(base + (base.endsWith("/") ? "" : "/") + "authorization/v1/apps/" + tenantId
                            + "/token");
                default:
                    return URI.create(withoutTrailingSlash(
                            errors.absoluteHttpUrl(oauthServerUrl, ClientSetting.OAUTH_SERVER_URL)) + "/token");
            }
        }

        private void requireSecure(URI url, SettingErrors errors) {
            if ("https".equals(url.getScheme().toLowerCase(Locale.ROOT)) || allowInsecureHttp
                    || isLoopback(url.getHost())) {
                return;
            }
            throw errors.fail(ErrorCode.INSECURE_TOKEN_URL, "the token endpoint " + url
                    + " is plain http on a non-loopback host: the client secret would travel in clear text."
                    + " Use https, or set " + errors.name(ClientSetting.ALLOW_INSECURE_HTTP) + " to true");
        }

        private static String withoutTrailingSlash(URI uri) {
            String base = uri.toString();
            return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        }
    }
}
