package dev.oauthfilter.samples.it.probe;

import dev.oauthfilter.OAuthClientFilter;
import dev.oauthfilter.TokenProvider;
import dev.oauthfilter.samples.backend.ClientJsonbResolver;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import org.eclipse.microprofile.rest.client.RestClientBuilder;

import java.net.URI;

/**
 * Reads an entity of the application's own ({@link JsonAnswer}) as the sample's backend does: through a Rest Client
 * and through a JAX-RS client with the filter, each with the sample's {@link ClientJsonbResolver}. Answers
 * {@code json:<authorized> json:<authorized>}.
 */
@ApplicationScoped
public class JsonProbe {

    @Inject
    TokenProvider tokens;

    String call(URI base, String id) {
        JsonTargetApi api = RestClientBuilder.newBuilder().baseUri(base).build(JsonTargetApi.class);
        String viaRestClient;
        try {
            viaRestClient = "json:" + api.json(id + "-rest").authorized();
        } finally {
            close(api);
        }
        Client client = ClientBuilder.newClient().register(new OAuthClientFilter(tokens))
                .register(new ClientJsonbResolver());
        try {
            return viaRestClient + " json:" + client.target(base).path("target/json/" + id + "-jaxrs").request()
                    .get(JsonAnswer.class).authorized();
        } finally {
            client.close();
        }
    }

    private static void close(Object restClient) {
        try {
            ((AutoCloseable) restClient).close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
