package dev.oauthfilter.internal.endpoint;

import dev.oauthfilter.ClientAuthMethod;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenException;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.time.Clock;

/** Builds the client-credentials token request for a configuration. */
final class TokenRequestFactory {

    static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";

    private final OAuthClientConfig config;
    private final ClientAssertions assertions;

    TokenRequestFactory(OAuthClientConfig config, Clock clock) {
        this.config = config;
        this.assertions = new ClientAssertions(config, clock);
    }

    /** A request ready to send, and what it carries that no answer may bring back into a message. */
    static final class Prepared {
        final HttpRequest http;
        final Redaction sent;

        private Prepared(HttpRequest http, Redaction sent) {
            this.http = http;
            this.sent = sent;
        }
    }

    // Built anew for every request: a secret kept in a file may have been rotated since the last one.
    Prepared request(URI endpoint, Duration timeout) {
        return request(endpoint, timeout, null, null);
    }

    /**
     * @param dpopProof    the request's DPoP proof, or null
     * @param subjectToken for a token exchange (RFC 8693), the access token to exchange; null for client credentials
     */
    Prepared request(URI endpoint, Duration timeout, String dpopProof, String subjectToken) {
        // read once: what is sent is what no answer may bring back (a file may be rewritten meanwhile)
        ClientAuthMethod method = config.authentication().method();
        String secret = method == ClientAuthMethod.CLIENT_SECRET_BASIC || method == ClientAuthMethod.CLIENT_SECRET_POST
                ? ClientSecrets.reveal(config) : null;
        StringBuilder form = new StringBuilder(form(config, subjectToken, secret));
        String authorization = null;
        String assertion = null;
        switch (method) {
            case CLIENT_SECRET_BASIC:
                authorization = basic(config, secret);
                break;
            case PRIVATE_KEY_JWT:
            case CLIENT_SECRET_JWT:
                assertion = assertions.clientAssertion(endpoint);
                append(form, "client_id", config.authentication().clientId());
                append(form, "client_assertion_type", ClientAssertions.JWT_BEARER);
                append(form, "client_assertion", assertion);
                break;
            case MCA_CERTIFICATE:
                append(form, "client_id", config.authentication().clientId());
                authorization = assertions.mcaCertificateAuthorization();
                break;
            case TLS_CLIENT_AUTH:
            case SELF_SIGNED_TLS_CLIENT_AUTH:
                // the certificate in the handshake authenticates; the form only names the client (RFC 8705 §2)
                append(form, "client_id", config.authentication().clientId());
                break;
            default:
                break;
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form.toString(), StandardCharsets.UTF_8));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (dpopProof != null) {
            request.header("DPoP", dpopProof);
        }
        // the secret also where it only signs (client_secret_jwt): a server may quote it whatever the method
        String configured = secret != null ? secret : readableSecret();
        Redaction sent = Redaction.of(configured, assertion, subjectToken, authorization);
        if (configured != null && config.authentication().clientId() != null) {
            sent = sent.withBasic(config.authentication().clientId(), configured);
        }
        return new Prepared(request.build(), sent);
    }

    /** @return the configured secret as it reads now, or null when there is none or it cannot be read */
    private String readableSecret() {
        if (config.authentication().secret().isEmpty()) {
            return null;
        }
        try {
            return ClientSecrets.reveal(config);
        } catch (TokenException unreadable) {
            return null;
        }
    }

    static String form(OAuthClientConfig config) {
        return form(config, null, config.authentication().method() == ClientAuthMethod.CLIENT_SECRET_POST
                ? ClientSecrets.reveal(config) : null);
    }

    /**
     * The grant's parameters: client credentials, or a token exchange of {@code subjectToken} (RFC 8693 §2.1).
     *
     * @param secret the client secret as read for this request
     */
    static String form(OAuthClientConfig config, String subjectToken, String secret) {
        StringBuilder body = new StringBuilder();
        if (subjectToken == null) {
            body.append("grant_type=client_credentials");
        } else {
            body.append("grant_type=").append(encode(TOKEN_EXCHANGE));
            append(body, "subject_token", subjectToken);
            append(body, "subject_token_type", ACCESS_TOKEN_TYPE);
            append(body, "requested_token_type", ACCESS_TOKEN_TYPE);
        }
        config.requestParameters().scope().ifPresent(scope -> append(body, "scope", scope));
        config.requestParameters().audience().ifPresent(audience -> append(body, "audience", audience));
        config.requestParameters().resources().forEach(resource -> append(body, "resource", resource));
        for (Map.Entry<String, String> extra : config.requestParameters().extraParameters().entrySet()) {
            append(body, extra.getKey(), extra.getValue());
        }
        if (config.authentication().method() == ClientAuthMethod.CLIENT_SECRET_POST) {
            append(body, "client_id", config.authentication().clientId());
            append(body, "client_secret", secret);
        }
        return body.toString();
    }

    // RFC 6749 §2.3.1 form-encodes id and secret before Base64; the MCA and App ID servers (and the seed SDK)
    // take them raw, and must keep working byte for byte.
    static String basic(OAuthClientConfig config) {
        return basic(config, ClientSecrets.reveal(config));
    }

    private static String basic(OAuthClientConfig config, String revealed) {
        boolean raw = config.endpoint().layout().rawBasicCredentials();
        String id = raw ? config.authentication().clientId() : encode(config.authentication().clientId());
        String secret = raw ? revealed : encode(revealed);
        return "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    private static void append(StringBuilder body, String name, String value) {
        body.append('&').append(encode(name)).append('=').append(encode(value));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
