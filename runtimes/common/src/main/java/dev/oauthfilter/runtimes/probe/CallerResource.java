package dev.oauthfilter.runtimes.probe;

import dev.oauthfilter.OAuthClient;
import dev.oauthfilter.OAuthClientFilter;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.TokenProvider;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.client.WebTarget;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.rest.client.RestClientBuilder;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Makes the calls the tests ask for through the runtime's own clients, as an application does: injected Rest Clients
 * ({@code @RestClient}), Rest Clients built with {@code RestClientBuilder} (redirects followed or not, as the
 * application chooses), a plain JAX-RS client with {@code register(new OAuthClientFilter(tokens))}, and injected
 * token providers. Answers {@code status:<n>} per call, {@code refused:<code>} when the library gave no token, or
 * {@code error:<exception>}.
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

    @Resource
    ManagedExecutorService executor;

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

    @GET
    @Path("/redirect/{client}/{follow}/{status}/{origin}/{id}")
    public String redirect(@PathParam("client") String client, @PathParam("follow") boolean follow,
                           @PathParam("status") int status, @PathParam("origin") String origin,
                           @PathParam("id") String id) {
        if ("rest".equals(client)) {
            return withRestClient(TargetApi.class, follow, api -> response(() -> api.redirect(status, origin, id)));
        }
        if ("orders".equals(client)) {
            return withRestClient(OrdersApi.class, follow, api -> response(() -> api.redirect(status, origin, id)));
        }
        return withJaxRsClient(tokens, target -> target.path("target/redirect/" + status + "/" + origin + "/" + id)
                .request().get());
    }

    /** A method that {@link OrdersRecordingApi} inherits, called through it. */
    @GET
    @Path("/inherited/{id}")
    public String inherited(@PathParam("id") String id) {
        return withRestClient(OrdersRecordingApi.class, false, api -> outcome(() -> api.read(id)));
    }

    @GET
    @Path("/unauthorized-once/{client}/{id}")
    public String unauthorizedOnce(@PathParam("client") String client, @PathParam("id") String id) {
        if ("rest".equals(client)) {
            return withRestClient(ReplayApi.class, false, api -> response(() -> api.unauthorizedOnce(id)));
        }
        return withJaxRsClient(tokens, target -> target.path("target/unauthorized-once/" + id).request().get());
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

    /**
     * Through the propagating client in a task of the server's managed executor, submitted by this request: work
     * outside the request, which must not get the caller's token.
     */
    @GET
    @Path("/propagated-in-task/{id}")
    public String propagatedInTask(@PathParam("id") String id) {
        try {
            return executor.submit(() -> outcome(() -> propagated.record(id))).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return "error:" + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "error:interrupted";
        }
    }

    private <T> String withRestClient(Class<T> type, boolean followRedirects, Function<T, String> calls) {
        T api = RestClientBuilder.newBuilder().baseUri(uriInfo.getBaseUri()).followRedirects(followRedirects)
                .build(type);
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

    private String withJaxRsClient(TokenProvider provider, Function<WebTarget, Response> call) {
        Client client = ClientBuilder.newClient().register(new OAuthClientFilter(provider));
        try {
            return response(() -> call.apply(client.target(uriInfo.getBaseUri())));
        } finally {
            client.close();
        }
    }

    private static String response(Supplier<Response> call) {
        return outcome(() -> {
            try (Response response = call.get()) {
                return "status:" + response.getStatus();
            }
        });
    }

    private static String outcome(Supplier<String> call) {
        try {
            String answer = call.get();
            return answer.startsWith("status:") ? answer : "status:200";
        } catch (WebApplicationException e) {
            return "status:" + e.getResponse().getStatus();
        } catch (ProcessingException e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof TokenException) {
                    return "refused:" + ((TokenException) cause).code();
                }
            }
            return "error:" + e.getClass().getSimpleName() + ":" + e.getMessage();
        }
    }
}
