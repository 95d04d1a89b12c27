package dev.oauthfilter.internal.clients;

import dev.oauthfilter.ClientSetting;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.SettingNames;

import java.util.Locale;
import java.util.Optional;

/**
 * The MicroProfile Config vocabulary of one client: its keys ({@code oauth.<setting>} for the default client,
 * {@code oauth.<name>.<setting>} for a named one) and the environment variables MicroProfile Config maps to them.
 * The one place the library's key names live; messages about a client read from MicroProfile Config name its
 * settings through it.
 *
 * <pre>{@code
 * new MicroProfileKeys("billing").of(ClientSetting.CLIENT_ID);   // oauth.billing.client-id (OAUTH_BILLING_CLIENT_ID)
 * }</pre>
 */
final class MicroProfileKeys implements SettingNames {

    private final String clientName;

    /** @param clientName the client's name, {@link OAuthClientConfig#DEFAULT_NAME} for the un-prefixed keys */
    MicroProfileKeys(String clientName) {
        this.clientName = clientName;
    }

    /**
     * @param setting a setting, e.g. {@code client-id}
     * @return its key: {@code oauth.<setting>} or {@code oauth.<name>.<setting>}
     */
    String key(String setting) {
        return OAuthClientConfig.DEFAULT_NAME.equals(clientName) ? "oauth." + setting
                : "oauth." + clientName + "." + setting;
    }

    /**
     * @param setting a setting, e.g. {@code client-id}
     * @return its key and environment variable, e.g. {@code oauth.billing.client-id (OAUTH_BILLING_CLIENT_ID)}
     */
    String keyAndVariable(String setting) {
        String key = key(setting);
        return key + " (" + key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT) + ")";
    }

    @Override
    public String of(ClientSetting setting) {
        switch (setting) {
            case CLIENT_KEY:
                return keys("", "key-store", "private-key-file", "certificate-file");
            case DPOP_KEY:
                return keys("dpop-", "key-store", "private-key-file", "certificate-file");
            case EXTRA_PARAMETER:
                return key(MicroProfileClientConfigs.PARAMS + "*");
            case TLS_TRUST:
                // without either, on Open Liberty the server's outbound SSL configuration decides the trust
                return keyAndVariable("tls.trust-store") + " or " + keyAndVariable("tls.ssl-ref");
            default:
                return keyAndVariable(keyOf(setting));
        }
    }

    /** A key is read from a key store, or from a PEM file with its certificate's. */
    private String keys(String prefix, String keyStore, String privateKeyFile, String certificateFile) {
        return keyAndVariable(prefix + privateKeyFile) + " with " + keyAndVariable(prefix + certificateFile) + ", or "
                + keyAndVariable(prefix + keyStore);
    }

    /** Where a client's keys cannot give its token endpoint, a Cloud Foundry binding can. */
    @Override
    public Optional<String> endpointBinding() {
        return Optional.of("bind the service through VCAP_SERVICES");
    }

    private static String keyOf(ClientSetting setting) {
        return switch (setting) {
            case TOKEN_URL -> "token-url";
            case SERVER_URL -> "server-url";
            case TENANT_ID -> "tenant-id";
            case OAUTH_SERVER_URL -> "oauth-server-url";
            case ISSUER -> "issuer";
            case DISCOVERY_URL -> "discovery-url";
            case ALLOW_INSECURE_HTTP -> "allow-insecure-http";
            case CLIENT_ID -> "client-id";
            case CLIENT_SECRET -> "client-secret";
            case CLIENT_SECRET_FILE -> "client-secret-file";
            case CLIENT_AUTH_METHOD -> "client-auth-method";
            case CLIENT_KEY -> "private-key-file";
            case CLIENT_ASSERTION_FILE -> "client-assertion-file";
            case SCOPE -> "scope";
            case AUDIENCE -> "audience";
            case RESOURCE -> "resource";
            case EXTRA_PARAMETER -> MicroProfileClientConfigs.PARAMS + "*";
            case CONNECT_TIMEOUT -> "connect-timeout";
            case READ_TIMEOUT -> "read-timeout";
            case ACQUISITION_TIMEOUT -> "acquisition-timeout";
            case REFRESH_BEFORE -> "refresh-before";
            case DEFAULT_LIFETIME -> "default-lifetime";
            case MAX_ATTEMPTS -> "max-attempts";
            case RETRY_BACKOFF -> "retry-backoff";
            case FAILURE_COOLDOWN -> "failure-cooldown";
            case MAX_RETRY_AFTER -> "max-retry-after";
            case ALLOWED_HOST -> "allowed-hosts";
            case RETRY_ON_UNAUTHORIZED -> "retry-on-unauthorized";
            case TLS_TRUST -> "tls.trust-store";
            case TLS_KEY, TLS_CLIENT_CERTIFICATE -> "tls.key-store";
            case DPOP -> "dpop";
            case DPOP_KEY -> "dpop-private-key-file";
        };
    }
}
