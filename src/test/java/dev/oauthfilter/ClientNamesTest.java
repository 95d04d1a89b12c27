package dev.oauthfilter;

import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.client.ClientRequestFilter;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which client a Rest Client call belongs to, from the {@code @OAuthClient} annotations the invoked method and its
 * interfaces carry (the MicroProfile Rest Client request property, on a real Jersey request that never leaves the
 * JVM). That the interface a call was made through wins for inherited methods is proven on RESTEasy, where the
 * runtime tells it: {@code LibertyClientGuaranteesIT}.
 */
class ClientNamesTest {

    interface CrudApi<T> {
        T list();
    }

    @OAuthClient("billing")
    interface BillingApi extends CrudApi<String> {
        String invoices();

        @OAuthClient("audit")
        String auditTrail();
    }

    interface UnnamedBillingApi extends BillingApi {
        String credits();
    }

    interface SharedApi {
        String ping();
    }

    @OAuthClient("reports")
    interface ReportsApi extends SharedApi {
    }

    private final List<String> names = new ArrayList<>();
    private final Client client = ClientBuilder.newClient()
            .register((ClientRequestFilter) request -> {
                names.add(ClientNames.of(request));
                request.abortWith(Response.noContent().build());
            });

    @AfterEach
    void closeClient() {
        client.close();
    }

    @Test
    void annotationOnTheMethodWinsOverItsInterface() throws Exception {
        assertThat(nameFor(BillingApi.class.getMethod("auditTrail"))).isEqualTo("audit");
    }

    @Test
    void methodOfAnAnnotatedInterfaceBelongsToItsClient() throws Exception {
        assertThat(nameFor(BillingApi.class.getMethod("invoices"))).isEqualTo("billing");
    }

    @Test
    void interfaceWithoutAnnotationTakesTheNearestAnnotatedSuperInterface() throws Exception {
        assertThat(nameFor(UnnamedBillingApi.class.getMethod("credits"))).isEqualTo("billing");
    }

    @Test
    void methodOfAnInterfaceNoOneNamedBelongsToTheDefaultClient() throws Exception {
        assertThat(nameFor(SharedApi.class.getMethod("ping"))).isEqualTo(OAuthClientConfig.DEFAULT_NAME);
        assertThat(nameFor(CrudApi.class.getMethod("list"))).isEqualTo(OAuthClientConfig.DEFAULT_NAME);
    }

    @Test
    void requestWithoutAnInvokedMethodBelongsToTheDefaultClient() {
        client.target("http://localhost:1/plain").request().get().close();
        client.target("http://localhost:1/plain").request()
                .property(OAuthClientFilter.INVOKED_METHOD, "not a method").get().close();

        assertThat(names).containsExactly(OAuthClientConfig.DEFAULT_NAME, OAuthClientConfig.DEFAULT_NAME);
    }

    @Test
    void withoutRuntimeHelpAnInheritedMethodBelongsToItsDeclaringInterface() throws Exception {
        // Jersey does not tell through which interface a call was made: CrudApi.list stays CrudApi's (the default)
        assertThat(nameFor(BillingApi.class.getMethod("list"))).isEqualTo(OAuthClientConfig.DEFAULT_NAME);
        assertThat(nameFor(ReportsApi.class.getMethod("ping"))).isEqualTo(OAuthClientConfig.DEFAULT_NAME);
    }

    private String nameFor(Method method) {
        client.target("http://localhost:1/api").request()
                .property(OAuthClientFilter.INVOKED_METHOD, method)
                .get().close();
        return names.get(names.size() - 1);
    }
}
