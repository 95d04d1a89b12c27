package dev.oauthfilter;

import java.net.URI;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.List;

/** The checks behind {@link OAuthClientConfig.Builder#build()}: one precise message per bad setting. */
final class ConfigValidator {

    private static final Pattern CLIENT_NAME = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Pattern TENANT_ID = Pattern.compile("[A-Za-z0-9._~-]+");
    private static final Pattern IPV4_LOOPBACK = Pattern.compile("127(\\.\\d{1,3}){3}");
    private static final Set<String> RESERVED_PARAMETERS = Set.of("grant_type", "client_id", "client_secret",
            "client_assertion", "client_assertion_type", "scope", "audience", "resource");

    private final String name;

    ConfigValidator(String name) {
        this.name = name;
    }

    void requireName() {
        if (name == null || !CLIENT_NAME.matcher(name).matches()) {
            throw TokenException.builder(ErrorCode.INVALID_SETTING)
                    .message("client name must be letters, digits, '-' or '_'").build();
        }
    }

    URI tokenEndpoint(URI tokenUrl, URI issuer, URI discoveryUrl, URI serverUrl, String tenantId,
                      URI oauthServerUrl) {
        if (tokenUrl != null) {
            return absolute(tokenUrl, "token-url");
        }
        if (discoveryUrl != null) {
            return absolute(discoveryUrl, "discovery-url");
        }
        if (issuer != null) {
            String base = absolute(issuer, "issuer").toString();
            return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base)
                    + "/.well-known/openid-configuration");
        }
        if (serverUrl != null) {
            URI server = absolute(serverUrl, "server-url");
            if (tenantId == null || tenantId.isBlank()) {
                throw fail(ErrorCode.MISSING_TENANT_ID, "the MCA tenant id is missing: set " + key("tenant-id")
                        + " (" + env("tenant-id") + ")");
            }
            if (!TENANT_ID.matcher(tenantId).matches()) {
                throw fail(ErrorCode.INVALID_SETTING, key("tenant-id")
                        + " may only contain letters, digits, '.', '_', '~' and '-'");
            }
            String base = server.toString();
            // the seed SDK inserts the slash only when the server URL lacks one
            return URI.create(base + (base.endsWith("/") ? "" : "/") + "authorization/v1/apps/" + tenantId
                    + "/token");
        }
        if (oauthServerUrl != null) {
            String base = absolute(oauthServerUrl, "oauth-server-url").toString();
            return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/token");
        }
        throw fail(ErrorCode.MISSING_SERVER_URL, "no token endpoint: set " + key("token-url")
                + ", or " + key("issuer") + " (discovery), or " + key("server-url") + " and " + key("tenant-id") + " (Mobile Client Access), or "
                + key("oauth-server-url") + " (App ID), or bind the service through VCAP_SERVICES");
    }

    void requireSecure(URI endpoint, boolean allowInsecureHttp) {
        if ("https".equals(endpoint.getScheme().toLowerCase(Locale.ROOT)) || allowInsecureHttp
                || isLoopback(endpoint.getHost())) {
            return;
        }
        throw fail(ErrorCode.INSECURE_TOKEN_URL, "the token endpoint " + endpoint
                + " is plain http on a non-loopback host: the client secret would travel in clear text."
                + " Use https, or set " + key("allow-insecure-http") + "=true");
    }

    void require(Object value, ErrorCode code, String keySuffix, String what) {
        if (value == null || value instanceof String && ((String) value).isBlank()) {
            throw fail(code, "the " + what + " is missing: set " + key(keySuffix) + " (" + env(keySuffix) + ")");
        }
    }

    /** What each authentication method needs, and nothing it does not. */
    void credentials(ClientAuthMethod method, EndpointLayout layout, String clientId, Secret secret, ClientKey key,
                     Path assertionFile, boolean tlsContext) {
        if ((assertionFile != null || method.mutualTls()) && secret != null) {
            throw fail(ErrorCode.INVALID_SETTING, key("client-secret") + " is not used with "
                    + (assertionFile != null ? key("client-assertion-file") : method.name().toLowerCase(Locale.ROOT))
                    + ": leave it out");
        }
        if (assertionFile != null && (method != ClientAuthMethod.PRIVATE_KEY_JWT || key != null)) {
            throw fail(ErrorCode.INVALID_SETTING, key("client-assertion-file") + " is the client's private_key_jwt"
                    + " assertion: it goes with no other client authentication method, and no private key");
        }
        switch (method) {
            case TLS_CLIENT_AUTH:
            case SELF_SIGNED_TLS_CLIENT_AUTH:
                require(clientId, ErrorCode.MISSING_CLIENT_ID, "client-id", "client id");
                if (!tlsContext) {
                    throw fail(ErrorCode.MISSING_CLIENT_KEY, method.name().toLowerCase(Locale.ROOT) + " presents the"
                            + " client's certificate in the TLS handshake: set " + key("tls.key-store")
                            + " (or give an SSLContext holding its key)");
                }
                break;
            case PRIVATE_KEY_JWT:
                require(clientId, ErrorCode.MISSING_CLIENT_ID, "client-id", "client id");
                if (assertionFile == null) {
                    require(key, ErrorCode.MISSING_CLIENT_KEY, "private-key-file", "private key (or "
                            + key("key-store") + ", or " + key("client-assertion-file") + ")");
                }
                break;
            case MCA_CERTIFICATE:
                if (layout != EndpointLayout.MCA) {
                    throw fail(ErrorCode.INVALID_SETTING, "mca_certificate needs the Mobile Client Access layout: set "
                            + key("server-url") + " and " + key("tenant-id"));
                }
                if (key == null || key.certificateChain().isEmpty()) {
                    throw fail(ErrorCode.MISSING_CLIENT_KEY, "mca_certificate needs a private key with its certificate:"
                            + " set " + key("key-store") + ", or " + key("private-key-file") + " and "
                            + key("certificate-file"));
                }
                require(clientId == null ? key.certificateCommonName().orElse(null) : clientId,
                        ErrorCode.MISSING_CLIENT_ID, "client-id", "client id (the certificate has no CN)");
                break;
            default:
                require(clientId, ErrorCode.MISSING_CLIENT_ID, "client-id", "client id");
                require(secret == null || secret.isBlank() ? null : secret, ErrorCode.MISSING_SECRET,
                        "client-secret", "client secret");
                if (method == ClientAuthMethod.CLIENT_SECRET_JWT
                        && secret.reveal().getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 32) {
                    throw fail(ErrorCode.INVALID_SETTING, "client_secret_jwt signs HS256 with the client secret, which"
                            + " must then be at least 32 bytes long (" + key("client-secret") + ")");
                }
        }
    }

    void positive(Duration value, String keySuffix) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw fail(ErrorCode.INVALID_SETTING, key(keySuffix) + " must be a positive duration, was " + value);
        }
    }

    void notNegative(Duration value, String keySuffix) {
        if (value == null || value.isNegative()) {
            throw fail(ErrorCode.INVALID_SETTING, key(keySuffix) + " must not be negative, was " + value);
        }
    }

    void atLeastOne(int value, String keySuffix) {
        if (value < 1) {
            throw fail(ErrorCode.INVALID_SETTING, key(keySuffix) + " must be at least 1, was " + value);
        }
    }

    void extraParameters(Set<String> names) {
        for (String parameter : names) {
            if (parameter.isBlank() || RESERVED_PARAMETERS.contains(parameter)) {
                throw fail(ErrorCode.INVALID_SETTING, "extra parameter '" + parameter
                        + "' is not allowed: the library sets it from its own setting");
            }
        }
    }

    /**
     * A configured DPoP key must be EC P-256 (ES256, what servers are sure to accept) with a certificate of the same
     * key: the proofs carry the public key, which a private key alone does not give.
     */
    void dpopKey(ClientKey key) {
        if (key == null) {
            return;
        }
        String settings = key("dpop-key-store") + " / " + key("dpop-private-key-file");
        if (!(key.privateKey() instanceof ECPrivateKey) || !isP256(((ECPrivateKey) key.privateKey()).getParams())) {
            throw fail(ErrorCode.INVALID_SETTING, settings + ": the DPoP key must be an EC P-256 key (ES256), not "
                    + describe(key));
        }
        if (key.certificateChain().isEmpty()
                || !(key.certificateChain().get(0).getPublicKey() instanceof ECPublicKey)
                || !pairs(key)) {
            throw fail(ErrorCode.INVALID_SETTING, settings + ": the DPoP key needs the certificate of its public key"
                    + " (a key store entry, or " + key("dpop-certificate-file") + ")");
        }
    }

    private static String describe(ClientKey key) {
        if (key.privateKey() instanceof ECPrivateKey) {
            return "an EC key of another curve (" + ((ECPrivateKey) key.privateKey()).getParams().getCurve().getField()
                    .getFieldSize() + " bits)";
        }
        return key.privateKey().getAlgorithm();
    }

    // the same curve, generator and order as the JDK's secp256r1: a size check would let other 256-bit curves in
    private static boolean isP256(ECParameterSpec spec) {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec("secp256r1"));
            ECParameterSpec p256 = parameters.getParameterSpec(ECParameterSpec.class);
            return p256.getCurve().equals(spec.getCurve()) && p256.getGenerator().equals(spec.getGenerator())
                    && p256.getOrder().equals(spec.getOrder()) && p256.getCofactor() == spec.getCofactor();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("secp256r1 is required of every JVM", e);
        }
    }

    private static boolean pairs(ClientKey key) {
        try {
            byte[] probe = "oauth-filter DPoP key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(key.privateKey());
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(key.certificateChain().get(0).getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    void allowedHosts(List<String> targets) {
        for (String target : targets) {
            String problem = AllowedHosts.problemWith(target);
            if (problem != null) {
                throw fail(ErrorCode.INVALID_SETTING, key("allowed-hosts") + ": " + problem);
            }
        }
    }

    static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.endsWith(".localhost") || h.equals("[::1]") || h.equals("::1")
                || IPV4_LOOPBACK.matcher(h).matches();
    }

    private URI absolute(URI uri, String keySuffix) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            throw fail(ErrorCode.INVALID_SETTING, key(keySuffix) + " must be an absolute http(s) URL with a host");
        }
        if (uri.getRawUserInfo() != null) {
            throw fail(ErrorCode.INVALID_SETTING, key(keySuffix)
                    + " must not carry user info; set the client id and secret instead");
        }
        if (uri.getRawFragment() != null) {
            throw fail(ErrorCode.INVALID_SETTING, key(keySuffix) + " must not have a fragment");
        }
        return uri;
    }

    private String key(String suffix) {
        return OAuthClientConfig.configKey(name, suffix);
    }

    private String env(String suffix) {
        return "env " + key(suffix).replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    private TokenException fail(ErrorCode code, String message) {
        return TokenException.builder(code).clientName(name).message(message).build();
    }
}
