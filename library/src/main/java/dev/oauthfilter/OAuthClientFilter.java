package dev.oauthfilter;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;
import jakarta.ws.rs.client.ClientResponseContext;
import jakarta.ws.rs.client.ClientResponseFilter;

import java.util.Objects;

/**
 * Puts {@code Authorization: Bearer <token>} on outgoing JAX-RS client requests (for a DPoP client,
 * {@code Authorization: DPoP <token>} and a {@code DPoP} proof made for each request).
 *
 * <p>Three ways to use it:
 * <pre>{@code
 * // 1. MicroProfile Rest Client: the filter finds its client (oauth.* keys) through MicroProfile Config
 * @RegisterRestClient(configKey = "notes")
 * @RegisterProvider(OAuthClientFilter.class)
 * public interface NotesApi { @GET List<Note> all(); }
 *
 * // 2. A plain JAX-RS client
 * Client client = ClientBuilder.newClient().register(new OAuthClientFilter(TokenProvider.of(config)));
 *
 * // 3. By hand
 * String header = TokenProvider.of(config).authorizationHeader();
 * }</pre>
 *
 * <p>An {@code Authorization} header that the application set itself is left alone; otherwise the header is set
 * (never added twice). If no token can be had the request is not sent: the {@link TokenException} arrives as the
 * cause of a {@link jakarta.ws.rs.ProcessingException}. A Rest Client interface or method annotated
 * {@link OAuthClient @OAuthClient("name")} gets the named client's token.
 *
 * <p>Tokens go only where configured: a request to a host outside the client's allowed hosts gets no token, and
 * redirects are followed by the filter itself (when the application's client follows redirects at all), so that the
 * token never reaches another origin, not even on RESTEasy, whose HTTP engine would forward every header. When the
 * service answers 401, the filter drops that token, gets a new one and replays the request once, if the method is
 * idempotent and the entity can be written again; a second 401 goes to the caller. Replays and redirect hops are sent
 * through a new client of the same implementation.
 */
@Priority(Priorities.AUTHENTICATION)
public class OAuthClientFilter implements ClientRequestFilter, ClientResponseFilter {

    private final OAuthFilterDelegate.Filter delegate;

    /**
     * For {@code @RegisterProvider(OAuthClientFilter.class)}: each request gets the token of the client named by
     * {@link OAuthClient @OAuthClient} on the Rest Client interface or method (else the default client), as
     * MicroProfile Config describes it ({@code oauth.*}, {@code oauth.<name>.*}); the same client that
     * {@code @Inject @OAuthClient("name") TokenProvider} gives.
     */
    public OAuthClientFilter() {
        this.delegate = OAuthFilterDelegate.instance().newFilter(null);
    }

    /**
     * @param tokens the provider whose tokens every request gets; when it comes from
     *               {@link TokenProvider#of(OAuthClientConfig)}, its configuration's allowed hosts and 401 replay
     *               setting apply, whatever other configurations share its token source
     */
    public OAuthClientFilter(TokenProvider tokens) {
        this.delegate = OAuthFilterDelegate.instance().newFilter(Objects.requireNonNull(tokens, "tokens"));
    }

    @Override
    public void filter(ClientRequestContext request) throws java.io.IOException {
        delegate.filter(request);
    }

    @Override
    public void filter(ClientRequestContext request, ClientResponseContext response) throws java.io.IOException {
        delegate.filter(request, response);
    }
}
