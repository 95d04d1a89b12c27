package dev.oauthfilter.samples.backend;

import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.OAuthClientFilter;
import dev.oauthfilter.TokenProvider;
import dev.oauthfilter.samples.notes.NotesPage;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** {@code GET /api/backend/notes/...}: the same protected data, fetched each way oauth-filter supports. */
@Path("/backend/notes")
@Produces(MediaType.APPLICATION_JSON)
@ApplicationScoped
public class BackendResource {

    @Inject
    @RestClient
    NotesApi notes;

    @Inject
    @RestClient
    ReportsNotesApi reportsNotes;

    @Inject
    @RestClient
    PropagatedNotesApi propagatedNotes;

    @Inject
    TokenProvider tokens;

    @Inject
    @ConfigProperty(name = "notes/mp-rest/url")
    String notesServiceUrl;

    private Client filteredClient;
    private Client plainClient;

    @PostConstruct
    void createClients() {
        // a Jsonb of each client's own: without it, Liberty keeps this application in memory after it stops
        filteredClient = ClientBuilder.newClient().register(new OAuthClientFilter(tokens))
                .register(new ClientJsonbResolver());
        plainClient = ClientBuilder.newClient().register(new ClientJsonbResolver());
    }

    @PreDestroy
    void closeClients() {
        filteredClient.close();
        plainClient.close();
    }

    /** MicroProfile Rest Client, {@code @RegisterProvider(OAuthClientFilter.class)}, default client. */
    @GET
    @Path("/rest-client")
    public BackendAnswer viaRestClient() {
        return answer("rest-client", notes.notes());
    }

    /** MicroProfile Rest Client with {@code @OAuthClient("reports")}. */
    @GET
    @Path("/rest-client-named")
    public BackendAnswer viaNamedRestClient() {
        return answer("rest-client-named", reportsNotes.notes());
    }

    /** A plain JAX-RS client with {@code register(new OAuthClientFilter(tokens))}. */
    @GET
    @Path("/jaxrs-client")
    public BackendAnswer viaJaxRsClient() {
        return answer("jaxrs-client", filteredClient.target(notesServiceUrl).path("notes").request()
                .get(NotesPage.class));
    }

    /** By hand: {@code tokens.authorizationHeader()}, the seed SDK's {@code getAuthorizationHeader}. */
    @GET
    @Path("/header")
    public BackendAnswer viaHeader() {
        return answer("header", plainClient.target(notesServiceUrl).path("notes").request()
                .header(HttpHeaders.AUTHORIZATION, tokens.authorizationHeader()).get(NotesPage.class));
    }

    /** Token propagation: the notes service sees the backend's caller, whose bearer token is forwarded. */
    @GET
    @Path("/propagated")
    public BackendAnswer viaPropagation() {
        return answer("propagated", propagatedNotes.notes());
    }

    /**
     * A client configured only by the Cloud Foundry binding ({@code VCAP_SERVICES}): a Config made of the sources
     * discovered through ServiceLoader, which in this application is oauth-filter's VCAP_SERVICES source alone.
     */
    @GET
    @Path("/vcap")
    public BackendAnswer viaVcapServices() {
        Config vcapOnly = ConfigProviderResolver.instance().getBuilder().addDiscoveredSources()
                .forClassLoader(BackendResource.class.getClassLoader()).build();
        TokenProvider vcapTokens = TokenProvider.of(
                OAuthClientConfig.fromMicroProfileConfig(vcapOnly, OAuthClientConfig.DEFAULT_NAME));
        return answer("vcap", plainClient.target(notesServiceUrl).path("notes").request()
                .header(HttpHeaders.AUTHORIZATION, vcapTokens.authorizationHeader()).get(NotesPage.class));
    }

    private static BackendAnswer answer(String via, NotesPage page) {
        return new BackendAnswer(via, page.caller(), page.notes());
    }
}
