package dev.oauthfilter.runtimes.probe;

import dev.oauthfilter.OAuthClientFilter;
import dev.oauthfilter.TokenProvider;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.ext.ContextResolver;
import org.eclipse.microprofile.rest.client.RestClientBuilder;

import java.net.URI;

/**
 * Reads an entity of the application's own ({@link JsonAnswer}) as the sample's backend does: through a Rest Client
 * and through a JAX-RS client with the filter, each with a JSON-B of the application's own (on Open Liberty, without
 * one the server's JSON-B provider keeps every stopped application: the sample's {@code ClientJsonbResolver} says
 * why). Answers {@code json:<authorized> json:<authorized>}.
 */
@ApplicationScoped
public class JsonProbe {

    private final Jsonb jsonb = JsonbBuilder.create();

    @Inject
    TokenProvider tokens;

    String call(URI base, String id) {
        JsonTargetApi api = RestClientBuilder.newBuilder().baseUri(base).register(new ClientJsonb(jsonb))
                .build(JsonTargetApi.class);
        String viaRestClient;
        try {
            viaRestClient = "json:" + api.json(id + "-rest").authorized();
        } finally {
            Calls.close(api);
        }
        Client client = ClientBuilder.newClient().register(new OAuthClientFilter(tokens))
                .register(new ClientJsonb(jsonb));
        try {
            return viaRestClient + " json:" + client.target(base).path("target/json/" + id + "-jaxrs").request()
                    .get(JsonAnswer.class).authorized();
        } finally {
            client.close();
        }
    }

    /** A lifecycle method throws no checked exception (Payara refuses the bean otherwise). */
    @PreDestroy
    void close() {
        try {
            jsonb.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Gives the clients this application's JSON-B. */
    private static final class ClientJsonb implements ContextResolver<Jsonb> {
        private final Jsonb jsonb;

        ClientJsonb(Jsonb jsonb) {
            this.jsonb = jsonb;
        }

        @Override
        public Jsonb getContext(Class<?> type) {
            return jsonb;
        }
    }
}
