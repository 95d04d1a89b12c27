package dev.oauthfilter.internal.endpoint;

import dev.oauthfilter.TokenEvents;

import java.net.URI;

/**
 * The HTTP requests of one token acquisition, as {@link TokenEvents#httpRequest} hears of them: numbered (the resend
 * count of HTTP semantic conventions: retries and DPoP nonce retries), and with the endpoint reduced to what may be
 * shown ({@link ShownEndpoint}). An acquisition sends its requests one after the other, on one thread: not thread-safe.
 */
public final class SentRequests {

    private final TokenEvents events;
    private final String client;
    private int sent;

    /**
     * @param events where to report the requests
     * @param client the client name
     */
    public SentRequests(TokenEvents events, String client) {
        this.events = events;
        this.client = client;
    }

    /** @return requests that nobody hears of */
    public static SentRequests none() {
        return new SentRequests(TokenEvents.NONE, null);
    }

    /**
     * @param grantType what the request asks for
     * @param endpoint  where it goes
     * @return told how it ended
     */
    TokenEvents.HttpExchange sending(String grantType, URI endpoint) {
        if (events == TokenEvents.NONE) {
            return TokenEvents.HttpExchange.NONE;
        }
        return events.httpRequest(client, grantType, ShownEndpoint.of(endpoint), sent++);
    }
}
