package dev.oauthfilter.samples.it.probe;

import dev.oauthfilter.OAuthClient;
import dev.oauthfilter.OAuthClientFilter;
import dev.oauthfilter.TokenProvider;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.rest.client.RestClientBuilder;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Makes the calls the tests ask for, through Liberty's own clients: a MicroProfile Rest Client built with
 * {@code RestClientBuilder} (redirects followed or not, as the application chooses) and a plain JAX-RS client with
 * {@code register(new OAuthClientFilter(tokens))}. Answers {@code status:<n>} or {@code error:<exception>}.
 */
@Path("/call")
@Produces(MediaType.TEXT_PLAIN)
public class CallerResource {

    @Inject
    TokenProvider tokens;

    @Inject
    @OAuthClient("replay")
    TokenProvider replayTokens;

    @Inject
    @OAuthClient("dpop")
    TokenProvider dpopTokens;

    @Inject
    PropagationProbe propagation;

    @Inject
    JsonProbe json;

    @Context
    UriInfo uriInfo;

    @GET
    @Path("/redirect/{client}/{follow}/{status}/{origin}/{id}")
    public String redirect(@PathParam("client") String client, @PathParam("follow") boolean follow,
                           @PathParam("status") int status, @PathParam("origin") String origin,
                           @PathParam("id") String id) {
        if ("rest".equals(client)) {
            return withRestClient(follow, api -> api.redirect(status, origin, id));
        }
        if ("feature".equals(client)) {
            FeatureTargetApi api = RestClientBuilder.newBuilder().baseUri(base()).followRedirects(follow)
                    .register(new OAuthFeature(tokens)).build(FeatureTargetApi.class);
            try {
                return outcome(() -> api.redirect(status, origin, id));
            } finally {
                try {
                    ((AutoCloseable) api).close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return withJaxRsClient(tokens, target -> target.path("target/redirect/" + status + "/" + origin + "/" + id)
                .request().get());
    }

    @GET
    @Path("/redirect-stream/{status}/{origin}/{id}")
    public String redirectStream(@PathParam("status") int status, @PathParam("origin") String origin,
                                 @PathParam("id") String id) {
        byte[] body = "a streamed body that cannot be sent twice".getBytes(StandardCharsets.UTF_8);
        return withRestClient(true, api -> api.redirectStream(status, origin, id, new ByteArrayInputStream(body)));
    }

    @GET
    @Path("/unauthorized-once/{client}/{id}")
    public String unauthorizedOnce(@PathParam("client") String client, @PathParam("id") String id) {
        if ("rest".equals(client)) {
            return withRestClient(false, api -> api.unauthorizedOnce(id));
        }
        return withJaxRsClient(replayTokens, target -> target.path("target/unauthorized-once/" + id).request().get());
    }

    /**
     * Calls through {@link ReplayRecordingApi}: two methods it inherits from {@link RecordingApi} and one of its own
     * (ids {@code <id>-read}, {@code <id>-create}, {@code <id>-own}), then the {@code replay} and the default client
     * once each through the JAX-RS client ({@code <id>-replay}, {@code <id>-default}), to compare tokens with.
     */
    @GET
    @Path("/inherited/{id}")
    public String inherited(@PathParam("id") String id) {
        return withRestClient(ReplayRecordingApi.class, api -> String.join(" ",
                outcome(() -> api.read(id + "-read")),
                outcome(() -> api.create(id + "-create", "an invoice")),
                outcome(() -> api.readOwn(id + "-own")),
                withJaxRsClient(replayTokens, target -> target.path("target/record/" + id + "-replay").request().get()),
                withJaxRsClient(tokens, target -> target.path("target/record/" + id + "-default").request().get())));
    }

    /** Builds a Rest Client of {@code type} for this application, makes the calls, and closes it. */
    private <T> String withRestClient(Class<T> type, Function<T, String> calls) {
        return withRestClient(type, false, calls);
    }

    private <T> String withRestClient(Class<T> type, boolean followRedirects, Function<T, String> calls) {
        T api = RestClientBuilder.newBuilder().baseUri(base()).followRedirects(followRedirects).build(type);
        try {
            return calls.apply(api);
        } finally {
            try {
                ((AutoCloseable) api).close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * Calls the DPoP service twice through a Rest Client of the {@code dpop} client: the first call is asked for a
     * nonce (the filter sends it once more with one), the second carries it from the start.
     */
    @GET
    @Path("/dpop/{id}")
    public String dpop(@PathParam("id") String id) {
        return withRestClient(DPoPServiceApi.class,
                api -> String.join(" ", outcome(() -> api.service(id)), outcome(() -> api.service(id))));
    }

    /** Calls the DPoP service once through a Rest Client of the {@code dpop} client. */
    @GET
    @Path("/dpop-once/{id}")
    public String dpopOnce(@PathParam("id") String id) {
        return withRestClient(DPoPServiceApi.class, api -> outcome(() -> api.service(id)));
    }

    /** Milliseconds since the {@code dpop} client's token was issued. */
    @GET
    @Path("/dpop-token-age")
    public String dpopTokenAge() {
        return Long.toString(Duration.between(dpopTokens.token().issuedAt(), Instant.now()).toMillis());
    }

    /**
     * Calls the exchange probe's service twice through a Rest Client of the {@code exchanging} client, which exchanges
     * the caller's token (this request's {@code Authorization}) instead of forwarding it.
     */
    @GET
    @Path("/exchange/{id}")
    public String exchange(@PathParam("id") String id) {
        return withRestClient(ExchangingApi.class,
                api -> String.join(" ", outcome(() -> api.service(id)), outcome(() -> api.service(id))));
    }

    /** Seconds since the youngest of the two clients' tokens was issued (the 401 replay drops only older ones). */
    @GET
    @Path("/token-age")
    public String tokenAge() {
        Instant youngest = tokens.token().issuedAt();
        Instant other = replayTokens.token().issuedAt();
        if (other.isAfter(youngest)) {
            youngest = other;
        }
        return Long.toString(Duration.between(youngest, Instant.now()).toMillis());
    }

    @GET
    @Path("/propagated")
    public String propagated() {
        return propagation.call(false);
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
                propagation.call(false),
                propagation.call(true),
                json.call(base(), id));
    }

    /** A Rest Client built for one call, as an application does with {@code RestClientBuilder}, and closed after. */
    private String withRestClient(boolean followRedirects, Function<TargetApi, Response> call) {
        return withRestClient(TargetApi.class, followRedirects, api -> outcome(() -> call.apply(api)));
    }

    private String withJaxRsClient(TokenProvider provider,
                                   Function<jakarta.ws.rs.client.WebTarget, Response> call) {
        Client client = ClientBuilder.newClient().register(new OAuthClientFilter(provider));
        try {
            return outcome(() -> call.apply(client.target(base())));
        } finally {
            client.close();
        }
    }

    private URI base() {
        return uriInfo.getBaseUri();
    }

    private static String outcome(Supplier<Response> call) {
        try (Response response = call.get()) {
            return "status:" + response.getStatus();
        } catch (WebApplicationException e) {
            return "status:" + e.getResponse().getStatus();
        } catch (ProcessingException e) {
            return "error:" + e.getClass().getSimpleName() + ":" + e.getMessage();
        }
    }
}
