package dev.oauthfilter.runtimes.probe;

import dev.oauthfilter.OAuthClient;
import dev.oauthfilter.TokenProvider;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.rest.client.RestClientBuilder;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static dev.oauthfilter.runtimes.probe.Calls.outcome;
import static dev.oauthfilter.runtimes.probe.Calls.response;

/**
 * Makes the calls the tests ask for through the runtime's own clients, as an application does: injected Rest Clients
 * ({@code @RestClient}), Rest Clients built with {@code RestClientBuilder} (redirects followed or not, as the
 * application chooses; the filter registered by {@code @RegisterProvider} or by an application's {@code Feature}), a
 * plain JAX-RS client with {@code register(new OAuthClientFilter(tokens))}, and injected token providers. Answers as
 * {@link Calls} says.
 */
@RequestScoped
@Path("/call")
@Produces(MediaType.TEXT_PLAIN)
public class CallerResource {

    @Inject
    TokenProvider tokens;

    @Inject
    @OAuthClient("orders")
    TokenProvider ordersTokens;

    @Inject
    @OAuthClient("replay")
    TokenProvider replayTokens;

    @Inject
    @RestClient
    OrdersApi orders;

    @Inject
    @RestClient
    PropagatedApi propagated;

    @Inject
    NotesPropagation notes;

    @Inject
    JsonProbe json;

    @Context
    UriInfo uriInfo;

    @GET
    @Path("/orders/{id}/{times}")
    public String orders(@PathParam("id") String id, @PathParam("times") int times) {
        List<String> outcomes = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            outcomes.add(outcome(() -> orders.record(id)));
        }
        return String.join(" ", outcomes);
    }

    /** @return the fingerprints of the injected default and {@code orders} providers' headers */
    @GET
    @Path("/injected")
    public String injected() {
        return "default=" + Ledger.fingerprint(tokens.authorizationHeader())
                + " orders=" + Ledger.fingerprint(ordersTokens.authorizationHeader());
    }

    /**
     * @param client {@code rest} (the default client's {@link TargetApi}), {@code orders} ({@link OrdersApi}),
     *               {@code feature} ({@link FeatureTargetApi} with an application's {@link OAuthFeature}), else the
     *               plain JAX-RS client (which follows redirects as its implementation does)
     */
    @GET
    @Path("/redirect/{client}/{follow}/{status}/{origin}/{id}")
    public String redirect(@PathParam("client") String client, @PathParam("follow") boolean follow,
                           @PathParam("status") int status, @PathParam("origin") String origin,
                           @PathParam("id") String id) {
        if ("rest".equals(client)) {
            return Calls.withRestClient(base(), TargetApi.class, follow,
                    api -> response(() -> api.redirect(status, origin, id)));
        }
        if ("orders".equals(client)) {
            return Calls.withRestClient(base(), OrdersApi.class, follow,
                    api -> response(() -> api.redirect(status, origin, id)));
        }
        if ("feature".equals(client)) {
            FeatureTargetApi api = RestClientBuilder.newBuilder().baseUri(base()).followRedirects(follow)
                    .register(new OAuthFeature(tokens)).build(FeatureTargetApi.class);
            try {
                return response(() -> api.redirect(status, origin, id));
            } finally {
                Calls.close(api);
            }
        }
        return Calls.withJaxRsClient(base(), tokens,
                target -> target.path("target/redirect/" + status + "/" + origin + "/" + id).request().get());
    }

    /** A POST whose body is a stream, redirected: it cannot be sent again, so the redirect is the caller's. */
    @GET
    @Path("/redirect-stream/{status}/{origin}/{id}")
    public String redirectStream(@PathParam("status") int status, @PathParam("origin") String origin,
                                 @PathParam("id") String id) {
        byte[] body = "a streamed body that cannot be sent twice".getBytes(StandardCharsets.UTF_8);
        return Calls.withRestClient(base(), TargetApi.class, true,
                api -> response(() -> api.redirectStream(status, origin, id, new ByteArrayInputStream(body))));
    }

    /** A method that {@link OrdersRecordingApi} inherits, called through it. */
    @GET
    @Path("/inherited/{id}")
    public String inherited(@PathParam("id") String id) {
        return Calls.withRestClient(base(), OrdersRecordingApi.class, false, api -> outcome(() -> api.read(id)));
    }

    /**
     * Calls through {@link ReplayRecordingApi}: two methods it inherits from {@link RecordingApi} and one of its own
     * (ids {@code <id>-read}, {@code <id>-create}, {@code <id>-own}), then the {@code replay} and the default client
     * once each through the JAX-RS client ({@code <id>-replay}, {@code <id>-default}), to compare tokens with.
     */
    @GET
    @Path("/inherited-replay/{id}")
    public String inheritedReplay(@PathParam("id") String id) {
        return Calls.withRestClient(base(), ReplayRecordingApi.class, false, api -> String.join(" ",
                outcome(() -> api.read(id + "-read")),
                outcome(() -> api.create(id + "-create", "an invoice")),
                outcome(() -> api.readOwn(id + "-own")),
                Calls.withJaxRsClient(base(), replayTokens,
                        target -> target.path("target/record/" + id + "-replay").request().get()),
                Calls.withJaxRsClient(base(), tokens,
                        target -> target.path("target/record/" + id + "-default").request().get())));
    }

    /** @param client {@code rest} ({@link ReplayApi}, the {@code replay} client), else the default client's JAX-RS client */
    @GET
    @Path("/unauthorized-once/{client}/{id}")
    public String unauthorizedOnce(@PathParam("client") String client, @PathParam("id") String id) {
        if ("rest".equals(client)) {
            return Calls.withRestClient(base(), ReplayApi.class, false, api -> response(() -> api.unauthorizedOnce(id)));
        }
        return Calls.withJaxRsClient(base(), tokens,
                target -> target.path("target/unauthorized-once/" + id).request().get());
    }

    /**
     * @return milliseconds since the younger of the default and {@code replay} clients' tokens was issued (a 401 drops
     *         only a token older than 5 s: a younger one was just issued, a new one would not help)
     */
    @GET
    @Path("/token-age")
    public String tokenAge() {
        Instant youngest = tokens.token().issuedAt();
        Instant replay = replayTokens.token().issuedAt();
        return Long.toString(Duration.between(replay.isAfter(youngest) ? replay : youngest, Instant.now()).toMillis());
    }

    /** Through the propagating client, in this request: the caller's token, if it sent one. */
    @GET
    @Path("/propagated/{id}")
    public String propagated(@PathParam("id") String id) {
        return outcome(() -> propagated.record(id));
    }

    /** The notes service through the propagating client {@code notes-propagated}: as {@link NotesPropagation} says. */
    @GET
    @Path("/notes-propagated")
    public String notesPropagated() {
        return notes.call(false);
    }

    /**
     * Calls the exchange service twice through a Rest Client of the {@code exchanging} client, which exchanges the
     * caller's token (this request's {@code Authorization}) instead of forwarding it.
     */
    @GET
    @Path("/exchange/{id}")
    public String exchange(@PathParam("id") String id) {
        return Calls.withRestClient(base(), ExchangingApi.class, false, api -> String.join(" ",
                response(() -> api.service(id)), response(() -> api.service(id))));
    }

    /** Every way the application uses the library once: what a redeploy must release. */
    @GET
    @Path("/exercise")
    public String exercise() {
        String id = "exercise-" + System.nanoTime();
        return String.join(" ",
                redirect("rest", true, 302, "same", id),
                redirect("jaxrs", false, 307, "same", id),
                unauthorizedOnce("jaxrs", id + "-replay"),
                notes.call(false),
                notes.call(true),
                json.call(base(), id));
    }

    private URI base() {
        return uriInfo.getBaseUri();
    }
}
