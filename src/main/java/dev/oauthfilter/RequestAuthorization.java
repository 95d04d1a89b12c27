package dev.oauthfilter;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What authorises one request: its {@code Authorization} header and, for a DPoP-bound token, its {@code DPoP} proof
 * (RFC 9449), which is made for that request's method and URI and must not be used for another.
 *
 * <pre>{@code
 * RequestAuthorization auth = tokens.authorization("GET", uri);
 * HttpRequest.Builder request = HttpRequest.newBuilder(uri);
 * auth.headers().forEach(request::header);
 * }</pre>
 *
 * <p>{@code toString()} shows neither the token nor the proof.
 */
public final class RequestAuthorization {

    /** The name of the header that carries a DPoP proof. */
    public static final String DPOP = "DPoP";

    private final AccessToken token;
    private final String proof;

    private RequestAuthorization(AccessToken token, String proof) {
        this.token = Objects.requireNonNull(token, "token");
        this.proof = proof;
    }

    /**
     * @param token a token
     * @param proof the request's DPoP proof, or null for a Bearer token
     * @return the authorisation
     * @throws IllegalArgumentException for a DPoP-bound token without a proof, or a proof with a Bearer token
     */
    public static RequestAuthorization of(AccessToken token, String proof) {
        if (token.isDPoP() != (proof != null)) {
            throw new IllegalArgumentException(token.isDPoP() ? "a DPoP-bound token needs a proof"
                    : "a Bearer token goes without a proof");
        }
        return new RequestAuthorization(token, proof);
    }

    /** @return the token */
    public AccessToken token() {
        return token;
    }

    /** @return the value of the {@code Authorization} header: {@code Bearer <token>} or {@code DPoP <token>} */
    public String authorizationHeader() {
        return token.authorizationHeader();
    }

    /** @return the value of the {@code DPoP} header, for a DPoP-bound token */
    public Optional<String> dpopProof() {
        return Optional.ofNullable(proof);
    }

    /** @return the headers to set, by name: {@code Authorization}, and {@code DPoP} when there is a proof */
    public Map<String, String> headers() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", token.authorizationHeader());
        if (proof != null) {
            headers.put(DPOP, proof);
        }
        return headers;
    }

    @Override
    public String toString() {
        return "RequestAuthorization[" + token + (proof == null ? "" : ", dpop proof=redacted") + "]";
    }
}
