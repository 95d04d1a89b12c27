package dev.oauthfilter;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * How a client proves who it is to the token endpoint, the authentication part of its {@link OAuthClientConfig}: its
 * client id, the {@link ClientAuthMethod}, and what that method needs (a secret or secret file, a private key, a
 * client assertion file, or the TLS context's certificate). Immutable; checked by
 * {@link OAuthClientConfig.Builder#build()}, which refuses a setting the method would not use. Its
 * {@code toString()} shows no secret.
 *
 * <pre>{@code
 * ClientAuthentication authentication = config.authentication();
 * if (authentication.method() == ClientAuthMethod.PRIVATE_KEY_JWT) {
 *     Optional<ClientKey> key = authentication.key();
 * }
 * }</pre>
 */
public final class ClientAuthentication {

    private final String clientId;
    private final Secret secret;
    private final ClientAuthMethod method;
    private final ClientKey key;
    private final Path assertionFile;

    private ClientAuthentication(String clientId, Secret secret, ClientAuthMethod method, ClientKey key,
                                 Path assertionFile) {
        this.clientId = clientId;
        this.secret = secret;
        this.method = method;
        this.key = key;
        this.assertionFile = assertionFile;
    }

    /** @return the client id: the one set, else (for {@code mca_certificate}) the CN of the key's certificate */
    public String clientId() {
        return clientId;
    }

    /** @return how the client authenticates at the token endpoint */
    public ClientAuthMethod method() {
        return method;
    }

    /** @return the client secret (redacted in {@code toString()}); empty for the key-based methods */
    public Optional<Secret> secret() {
        return Optional.ofNullable(secret);
    }

    /** @return the client's private key (and certificate), for the key-based authentication methods */
    public Optional<ClientKey> key() {
        return Optional.ofNullable(key);
    }

    /**
     * @return a file holding a JWT issued to this client by someone else (a Kubernetes projected service-account
     *         token, a SPIFFE JWT-SVID), sent as its {@code private_key_jwt} client assertion and read anew for
     *         every token request
     */
    public Optional<Path> assertionFile() {
        return Optional.ofNullable(assertionFile);
    }

    @Override
    public String toString() {
        return "ClientAuthentication[clientId=" + clientId + (secret == null ? "" : ", clientSecret=" + secret)
                + (key == null ? "" : ", clientKey=" + key)
                + (assertionFile == null ? "" : ", clientAssertionFile=" + assertionFile)
                + ", clientAuthMethod=" + method + "]";
    }

    /** The authentication settings of a builder; {@link #build} checks that they fit the method. */
    static final class Draft {
        String clientId;
        Secret secret;
        ClientAuthMethod method = ClientAuthMethod.CLIENT_SECRET_BASIC;
        boolean methodSet;
        ClientKey key;
        Path assertionFile;

        /**
         * @param layout     the endpoint's layout ({@code mca_certificate} needs the Mobile Client Access one)
         * @param tlsContext whether a TLS context is configured (the mutual TLS methods present its certificate)
         */
        ClientAuthentication build(EndpointLayout layout, boolean tlsContext, SettingErrors errors) {
            errors.require(method, ErrorCode.INVALID_SETTING, ClientSetting.CLIENT_AUTH_METHOD,
                    "client authentication method");
            // a client assertion file means private_key_jwt, unless a method was set (which is then refused below)
            ClientAuthMethod effective = assertionFile != null && !methodSet ? ClientAuthMethod.PRIVATE_KEY_JWT : method;
            check(effective, layout, tlsContext, errors);
            String id = clientId != null && !clientId.isBlank() ? clientId
                    : key == null ? null : key.certificateCommonName().orElse(null);
            return new ClientAuthentication(id, secret, effective, key, assertionFile);
        }

        /** What each authentication method needs, and nothing it does not. */
        private void check(ClientAuthMethod effective, EndpointLayout layout, boolean tlsContext,
                           SettingErrors errors) {
            if ((assertionFile != null || effective.mutualTls()) && secret != null) {
                throw errors.invalid(ClientSetting.CLIENT_SECRET, "is not used with " + (assertionFile != null
                        ? errors.name(ClientSetting.CLIENT_ASSERTION_FILE) : configValue(effective)) + ": leave it out");
            }
            if (assertionFile != null && (effective != ClientAuthMethod.PRIVATE_KEY_JWT || key != null)) {
                throw errors.invalid(ClientSetting.CLIENT_ASSERTION_FILE, "is the client's private_key_jwt"
                        + " assertion: it goes with no other client authentication method, and no private key");
            }
            switch (effective) {
                case TLS_CLIENT_AUTH:
                case SELF_SIGNED_TLS_CLIENT_AUTH:
                    requireClientId(clientId, errors);
                    if (!tlsContext) {
                        throw errors.fail(ErrorCode.MISSING_CLIENT_KEY, configValue(effective) + " presents the"
                                + " client's certificate in the TLS handshake: set " + errors.name(ClientSetting.TLS_KEY)
                                + " with the client's key and certificate");
                    }
                    break;
                case PRIVATE_KEY_JWT:
                    requireClientId(clientId, errors);
                    if (assertionFile == null && key == null) {
                        throw errors.fail(ErrorCode.MISSING_CLIENT_KEY, "the private key is missing: set "
                                + errors.name(ClientSetting.CLIENT_KEY) + ", or "
                                + errors.name(ClientSetting.CLIENT_ASSERTION_FILE));
                    }
                    break;
                case MCA_CERTIFICATE:
                    if (layout != EndpointLayout.MCA) {
                        throw errors.fail(ErrorCode.INVALID_SETTING, "mca_certificate needs the Mobile Client Access"
                                + " layout: set " + errors.name(ClientSetting.SERVER_URL) + " and "
                                + errors.name(ClientSetting.TENANT_ID));
                    }
                    if (key == null || key.certificateChain().isEmpty()) {
                        throw errors.fail(ErrorCode.MISSING_CLIENT_KEY, "mca_certificate needs a private key with"
                                + " its certificate: set " + errors.name(ClientSetting.CLIENT_KEY));
                    }
                    errors.require(clientId == null ? key.certificateCommonName().orElse(null) : clientId,
                            ErrorCode.MISSING_CLIENT_ID, ClientSetting.CLIENT_ID, "client id (the certificate has no CN)");
                    break;
                default:
                    requireClientId(clientId, errors);
                    errors.require(secret == null || secret.isBlank() ? null : secret, ErrorCode.MISSING_SECRET,
                            ClientSetting.CLIENT_SECRET, "client secret");
                    if (effective == ClientAuthMethod.CLIENT_SECRET_JWT
                            && secret.reveal().getBytes(StandardCharsets.UTF_8).length < 32) {
                        throw errors.invalid(ClientSetting.CLIENT_SECRET, "must be at least 32 bytes long:"
                                + " client_secret_jwt signs HS256 with it");
                    }
            }
        }

        private static void requireClientId(String clientId, SettingErrors errors) {
            errors.require(clientId, ErrorCode.MISSING_CLIENT_ID, ClientSetting.CLIENT_ID, "client id");
        }

        private static String configValue(ClientAuthMethod method) {
            return method.name().toLowerCase(Locale.ROOT);
        }
    }
}
