package dev.oauthfilter;

/**
 * Where the token endpoint is and how client credentials are encoded for it.
 */
public enum EndpointLayout {
    /** Any OAuth 2.0 / OIDC token endpoint given by URL; HTTP Basic credentials form-encoded (RFC 6749 §2.3.1). */
    TOKEN_URL(false),
    /**
     * IBM Mobile Client Access: {@code POST {serverUrl}/authorization/v1/apps/{tenantId}/token}; HTTP Basic
     * credentials raw, byte-compatible with {@code bms-mca-oauth-sdk}.
     */
    MCA(true),
    /** IBM App ID: {@code POST {oauthServerUrl}/token}; HTTP Basic credentials raw, as App ID's SDKs send them. */
    APP_ID(true),
    /**
     * The token endpoint named by the issuer's metadata: {@code {issuer}/.well-known/openid-configuration}, then
     * {@code /.well-known/oauth-authorization-server{issuer path}} (RFC 8414), or a configured discovery URL.
     */
    DISCOVERY(false);

    private final boolean rawBasicCredentials;

    EndpointLayout(boolean rawBasicCredentials) {
        this.rawBasicCredentials = rawBasicCredentials;
    }

    /** @return whether the HTTP Basic credentials are sent without form-encoding, as the IBM SDKs do */
    public boolean rawBasicCredentials() {
        return rawBasicCredentials;
    }
}
