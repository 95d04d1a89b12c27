package dev.oauthfilter.internal.jaxrs;

import dev.oauthfilter.ClientPolicy;
import dev.oauthfilter.RequestAuthorization;
import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientResponseContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.StreamingOutput;

import java.io.InputStream;
import java.io.Reader;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.logging.Logger;

/**
 * What comes after an answer: every rule of the filter's response side, decided from facts, without HTTP, so that
 * one loop ({@link AuthorizingFilter}) only sends, closes and counts (OkHttp's {@code followUpRequest}).
 *
 * <p>The answer to the request as it left:
 * <ul>
 * <li>for the client's DPoP-bound token, its {@code DPoP-Nonce} is remembered whatever the status (RFC 9449 §9). A
 * 401 asking for a nonce ({@code use_dpop_nonce}) is sent once more, same token, new proof, when the nonce differs
 * from the one the refused proof carried and the entity can be written again; otherwise it goes to the caller. A
 * refused proof ({@code invalid_dpop_proof}) goes to the caller too. Neither drops the token;</li>
 * <li>any other 401 to the client's token drops it ({@link dev.oauthfilter.TokenProvider#invalidate}); the request
 * is replayed once with a new one when a new one can be had, the client's policy asks for replays and the request
 * is idempotent with an entity that can be written again;</li>
 * <li>a redirect, when the application wants redirects followed, is followed hop by hop (see {@link #hop}).</li>
 * </ul>
 * A 401 to a hop that carried the client's token is handled as if it were the first answer (dropped, replayed once
 * from the request's own target). The answer of a nonce retry or a replay is followed if it redirects; anything else
 * it says goes to the caller.
 *
 * <p>Its only effects are the two calls to the client's token source that these rules name: remembering a nonce and
 * dropping a refused token (whose answer says whether a replay can get another).
 */
final class FollowUp {

    /** Redirect hops followed at most after each sending of the whole request. */
    static final int MAX_HOPS = 5;

    static final String DPOP_NONCE = RequestAuthorization.DPOP + "-Nonce";

    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE");
    private static final Logger LOG = Logger.getLogger(FollowUp.class.getName());

    private FollowUp() {
    }

    /** What to do next. */
    enum Kind {
        /** The current answer goes to the caller. */
        DONE,
        /** The whole request again, same token, a new proof that carries the service's nonce. */
        NONCE_RETRY,
        /** The whole request again, with a new token (the refused one was dropped). */
        REPLAY,
        /** One redirect hop. */
        REDIRECT
    }

    /**
     * The next request to send: where, how, and whether its {@code Authorization} (the client's token with a proof
     * for this method and target, or the application's own header) goes along.
     *
     * @param sameOrigin whether every request so far stayed on the original request's origin (cookies go only then)
     * @param withEntity whether the original entity (and its {@code Content-*} headers) goes along
     */
    record Step(Kind kind, URI target, String method, boolean withEntity, boolean sameOrigin, boolean authorized) {

        static final Step DONE = new Step(Kind.DONE, null, null, false, false, false);

        /** Whether the caller gets the current answer, not the original, when sending this fails: a refused 401. */
        boolean fallsBackToCurrent() {
            return kind == Kind.REPLAY;
        }
    }

    /** What has been sent since the request left: the budgets used and the last request sent, from which hops go. */
    record Progress(Step last, int hops, boolean nonceRetried, boolean replayed) {

        /** Nothing sent yet: the answer is the one to the request as it left. */
        static final Progress START = new Progress(null, 0, false, false);

        /** @return the progress once {@code step} has been sent */
        Progress after(Step step) {
            return switch (step.kind()) {
                case REDIRECT -> new Progress(step, hops + 1, nonceRetried, replayed);
                case NONCE_RETRY -> new Progress(step, 0, true, replayed);
                case REPLAY -> new Progress(step, 0, nonceRetried, true);
                case DONE -> throw new IllegalArgumentException("nothing is sent for DONE");
            };
        }
    }

    /** The facts of the request, as it left, that the rules read. */
    interface Request {
        URI uri();

        String method();

        boolean hasEntity();

        /** @return whether its entity, if any, can be written a second time */
        boolean entityReplayable();

        /** @return whether its method is idempotent */
        boolean idempotent();

        /** @return whether it left with an {@code Authorization} header (the client's token or the application's) */
        boolean authorized();

        static Request of(ClientRequestContext request) {
            return new Sending(request);
        }
    }

    /** An answer as the rules read it. */
    interface Reply {
        int status();

        /** @return the header's value (its values joined by commas), or null */
        String header(String name);

        /** @return every value of the header, or null */
        List<String> headers(String name);

        static Reply of(ClientResponseContext response) {
            return new Reply() {
                @Override
                public int status() {
                    return response.getStatus();
                }

                @Override
                public String header(String name) {
                    return response.getHeaderString(name);
                }

                @Override
                public List<String> headers(String name) {
                    return response.getHeaders().get(name);
                }
            };
        }
    }

    /**
     * @param sent     what the request filter did
     * @param request  the request as it left
     * @param reply    the current answer: to the request as it left, or to the last step sent
     * @param progress what was sent since the request left ({@link Progress#START} for none)
     * @return the next step, or {@link Step#DONE} when the current answer goes to the caller
     */
    static Step decide(Sent sent, Request request, Reply reply, Progress progress) {
        int status = reply.status();
        Step last = progress.last();
        if (last == null && !mayFollowUp(sent, status)) {
            return Step.DONE;
        }
        if (last == null && sent.isDPoP()) {
            Step afterProof = dpopAnswer(sent, request, reply, status);
            if (afterProof != null) {
                return afterProof;
            }
        }
        boolean carriedToken = sent.token != null && (last == null || last.authorized());
        if (status == 401 && carriedToken && !progress.nonceRetried() && !progress.replayed()) {
            return unauthorized(sent, request);
        }
        if (sent.followRedirects && REDIRECTS.contains(status) && progress.hops() < MAX_HOPS) {
            return hop(sent, request, reply, progress);
        }
        return Step.DONE;
    }

    /**
     * Whether a first answer can need anything at all: a DPoP-bound token's (its nonce), a 401, or a redirect that the
     * application wants followed. Every other answer, such as a 200 to a Bearer request, is the caller's as it is.
     *
     * @param sent   what the request carried
     * @param status the answer's status
     * @return false when {@link #decide} would say {@code DONE} for that first answer
     */
    static boolean mayFollowUp(Sent sent, int status) {
        return sent.isDPoP() || status == 401 || sent.followRedirects && REDIRECTS.contains(status);
    }

    /** A DPoP-bound token's first answer: its nonce remembered; a refusal for want of a nonce or of the proof. */
    private static Step dpopAnswer(Sent sent, Request request, Reply reply, int status) {
        String nonce = reply.header(DPOP_NONCE);
        if (nonce != null) {
            sent.provider.dpopNonce(request.uri(), nonce);
        }
        if (status != 401) {
            return null;
        }
        if (challengeSays(reply, "use_dpop_nonce")) {
            if (nonce == null || nonce.equals(sent.dpopNonce) || !request.entityReplayable()) {
                return Step.DONE;
            }
            LOG.fine(() -> "the service at " + request.uri().getHost() + " asks for a DPoP nonce: sending "
                    + request.method() + " again with it");
            return whole(Kind.NONCE_RETRY, request);
        }
        if (challengeSays(reply, "invalid_dpop_proof")) {
            // the proof was refused, not the token: dropping it would cost this replica, and with a fleet cache
            // every replica, a token request per refusal while the same proof problem remains
            LOG.fine(() -> "the service at " + request.uri().getHost() + " refused the DPoP proof"
                    + " (invalid_dpop_proof): the token is kept and the 401 returned");
            return Step.DONE;
        }
        return null;
    }

    /** Whether a 401 says {@code error="<error>"} ({@code use_dpop_nonce}, {@code invalid_dpop_proof}). */
    private static boolean challengeSays(Reply reply, String error) {
        List<String> challenges = reply.headers(HttpHeaders.WWW_AUTHENTICATE);
        if (challenges == null) {
            return false;
        }
        String wanted = "error=\"" + error + "\"";
        for (String challenge : challenges) {
            // the error is DPoP's own, whichever challenge of the header carries it
            if (challenge.replace(" ", "").contains(wanted)) {
                return true;
            }
        }
        return false;
    }

    /** The client's token refused: dropped; one replay with a new one when that is possible and safe. */
    private static Step unauthorized(Sent sent, Request request) {
        boolean newTokenPossible = sent.provider.invalidate(sent.token);
        if (!newTokenPossible || !sent.policy.retryOnUnauthorized() || !request.idempotent()
                || !request.entityReplayable()) {
            return Step.DONE;
        }
        LOG.fine(() -> "401 from " + request.uri().getHost() + ": replaying " + request.method()
                + " once with a new token");
        return whole(Kind.REPLAY, request);
    }

    private static Step whole(Kind kind, Request request) {
        // the whole request again: its entity if it has one, and every header it had (Content-* of a bodyless one too)
        return new Step(kind, request.uri(), request.method(), true, true, true);
    }

    /**
     * One redirect hop from the last request sent. 301/302/303 become GET (HEAD stays HEAD) without the entity;
     * 307/308 keep both, unless the entity cannot be written again: then, as without a usable {@code Location}, the
     * redirect goes to the caller. The {@code Authorization} goes along only while every hop stays on the original
     * request's origin, and for the client's token only to targets its policy allows; once a hop leaves the origin,
     * no later hop carries it.
     */
    private static Step hop(Sent sent, Request request, Reply reply, Progress progress) {
        Step from = progress.last();
        URI current = from == null ? request.uri() : from.target();
        String method = from == null ? request.method() : from.method();
        // hops start from the original request's entity, after a whole resend too; later hops carry on from the last
        boolean withEntity = from == null || from.kind() != Kind.REDIRECT ? request.hasEntity() : from.withEntity();
        int status = reply.status();
        boolean keepMethod = status == 307 || status == 308;
        URI target = redirectTarget(current, reply.header(HttpHeaders.LOCATION));
        if (target == null || keepMethod && withEntity && !request.entityReplayable()) {
            LOG.fine(() -> "not following a redirect of " + request.method() + " " + request.uri().getHost()
                    + ": no usable Location, or an entity that cannot be sent again");
            return Step.DONE;
        }
        if (!keepMethod) {
            method = "HEAD".equalsIgnoreCase(method) ? method : "GET";
            withEntity = false;
        }
        boolean sameOrigin = (from == null || from.sameOrigin()) && ClientPolicy.sameOrigin(request.uri(), target);
        // what the last whole request carried: the client's token (a DPoP one gets a new proof for each hop), the
        // replay's new token, or the application's own header
        boolean hasAuthorization = sent.isDPoP() || progress.replayed() || request.authorized();
        boolean authorized = sameOrigin && hasAuthorization && (sent.token == null || sent.policy.allows(target));
        LOG.fine(() -> "following " + status + " to " + target.getHost()
                + (authorized ? " with the token" : " without the token"));
        return new Step(Kind.REDIRECT, target, method, withEntity, sameOrigin, authorized);
    }

    /**
     * @param base     the URI the redirect answered
     * @param location its {@code Location} header
     * @return the absolute redirect target, or null when there is none or it is not a URI
     */
    static URI redirectTarget(URI base, String location) {
        if (location == null || location.isBlank()) {
            return null;
        }
        try {
            URI target = base.resolve(location.strip());
            return target.getScheme() != null && target.getHost() != null ? target : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** A request's facts, read from it when a rule asks. */
    private static final class Sending implements Request {
        private final ClientRequestContext request;

        Sending(ClientRequestContext request) {
            this.request = request;
        }

        @Override
        public URI uri() {
            return request.getUri();
        }

        @Override
        public String method() {
            return request.getMethod();
        }

        @Override
        public boolean hasEntity() {
            return request.hasEntity();
        }

        @Override
        public boolean entityReplayable() {
            // a stream, a reader or a streaming output is consumed by writing it once
            Object entity = request.hasEntity() ? request.getEntity() : null;
            return !(entity instanceof InputStream || entity instanceof Reader || entity instanceof StreamingOutput);
        }

        @Override
        public boolean idempotent() {
            return IDEMPOTENT.contains(request.getMethod().toUpperCase(Locale.ROOT));
        }

        @Override
        public boolean authorized() {
            return request.getHeaderString(HttpHeaders.AUTHORIZATION) != null;
        }
    }
}
