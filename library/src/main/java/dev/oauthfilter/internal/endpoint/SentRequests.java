package dev.oauthfilter.internal.endpoint;

import dev.oauthfilter.TokenEvents;

import java.net.URI;

/**
 * The HTTP requests of one token acquisition, as {@link TokenEvents#httpRequest} hears of them: numbered (the resend
 * count of HTTP semantic conventions: retries and DPoP nonce retries), and with the endpoint reduced to what may be
 * shown. An acquisition sends its requests one after the other, on one thread: not thread-safe.
 */
public final class SentRequests {

    /** The longest path reported: a discovered endpoint's comes from a server's metadata. */
    static final int MAX_PATH_LENGTH = 256;

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
        return events.httpRequest(client, grantType, shown(endpoint), sent++);
    }

    /**
     * The endpoint without what a telemetry backend must not get: user info (a discovered endpoint may carry some),
     * query and fragment; a path beyond {@link #MAX_PATH_LENGTH} characters is cut (never inside a percent escape).
     */
    static URI shown(URI endpoint) {
        String path = endpoint.getRawPath() == null ? "" : endpoint.getRawPath();
        if (path.length() > MAX_PATH_LENGTH) {
            int cut = MAX_PATH_LENGTH;
            int escape = path.lastIndexOf('%', cut - 1);
            if (escape > cut - 3) {
                cut = escape;
            }
            path = path.substring(0, cut);
        }
        String port = endpoint.getPort() < 0 ? "" : ":" + endpoint.getPort();
        return URI.create(endpoint.getScheme() + "://" + endpoint.getHost() + port + path);
    }
}
