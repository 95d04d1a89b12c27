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
    private final String nonce;

    private RequestAuthorization(AccessToken token, String proof, String nonce) {
        this.token = Objects.requireNonNull(token, "token");
        this.proof = proof;
        this.nonce = nonce;
    }

    /**
     * @param token a token
     * @param proof the request's DPoP proof, or null for a Bearer token
     * @return the authorisation
     * @throws TokenException ({@code INVALID_SETTING}) for a DPoP-bound token without a proof: its provider cannot
     *                        make proofs
     * @throws IllegalArgumentException for a proof with a Bearer token
     */
    public static RequestAuthorization of(AccessToken token, String proof) {
        return of(token, proof, null);
    }

    /**
     * @param token a token
     * @param proof the request's DPoP proof, or null for a Bearer token
     * @param nonce the server nonce the proof carries, or null
     * @return the authorisation
     * @throws TokenException ({@code INVALID_SETTING}) for a DPoP-bound token without a proof
     * @throws IllegalArgumentException for a proof with a Bearer token
     */
    public static RequestAuthorization of(AccessToken token, String proof, String nonce) {
        if (token.isDPoP() && proof == null) {
            throw TokenException.builder(ErrorCode.INVALID_SETTING).message("a DPoP-bound token came from a token"
                    + " provider that makes no DPoP proofs; configure DPoP on the client that obtains it").build();
        }
        if (!token.isDPoP() && proof != null) {
            throw new IllegalArgumentException("a Bearer token goes without a proof");
        }
        return new RequestAuthorization(token, proof, nonce);
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

    /** @return the server nonce the proof carries, if any */
    public Optional<String> dpopNonce() {
        return Optional.ofNullable(nonce);
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
