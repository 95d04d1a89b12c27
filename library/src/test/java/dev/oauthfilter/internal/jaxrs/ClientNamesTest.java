package dev.oauthfilter.internal.jaxrs;

import dev.oauthfilter.OAuthClientConfig;

import dev.oauthfilter.OAuthClient;

import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.client.ClientRequestFilter;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which client a Rest Client call belongs to, from the {@code @OAuthClient} annotations the invoked method and its
 * interfaces carry (the MicroProfile Rest Client request property, on a real Jersey request that never leaves the
 * JVM). That the interface a call was made through wins for inherited methods is proven on RESTEasy, where the
 * runtime tells it ({@code LibertyClientGuaranteesIT}), and on Jersey through the proxy on the calling thread's stack
 * (here, and on Payara: {@code RuntimeGuaranteesIT}).
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
                .property(ClientNames.INVOKED_METHOD, "not a method").get().close();

        assertThat(names).containsExactly(OAuthClientConfig.DEFAULT_NAME, OAuthClientConfig.DEFAULT_NAME);
    }

    @Test
    void withoutRuntimeHelpAnInheritedMethodBelongsToItsDeclaringInterface() throws Exception {
        // Jersey does not tell through which interface a call was made: CrudApi.list stays CrudApi's (the default)
        assertThat(nameFor(BillingApi.class.getMethod("list"))).isEqualTo(OAuthClientConfig.DEFAULT_NAME);
        assertThat(nameFor(ReportsApi.class.getMethod("ping"))).isEqualTo(OAuthClientConfig.DEFAULT_NAME);
    }

    @Test
    void onJerseyASynchronousCallThroughAProxyGetsTheClientOfTheProxysInterface() throws Exception {
        // what Jersey's Rest Client does: a java.lang.reflect.Proxy of the interface the application called, whose
        // handler sends the request (and runs its filters) on the calling thread, naming only the declaring method
        ReportsApi reports = proxy(ReportsApi.class, method -> nameFor(method));
        UnnamedBillingApi credits = proxy(UnnamedBillingApi.class, method -> nameFor(method));

        assertThat(reports.ping()).as("SharedApi.ping called through ReportsApi").isEqualTo("reports");
        assertThat(credits.list()).as("CrudApi.list called through UnnamedBillingApi").isEqualTo("billing");
    }

    @Test
    void aCallThroughTheDeclaringInterfaceInsideAnotherClientsCallKeepsItsOwnClient() throws Exception {
        // a Rest Client of the base interface used while a call through an annotated sub-interface is on the stack
        // (from a filter, an exception mapper, a service the outer call invokes)
        SharedApi inner = proxy(SharedApi.class, method -> nameFor(method));
        ReportsApi outer = proxy(ReportsApi.class, method -> inner.ping());

        assertThat(outer.ping()).as("the inner call, through SharedApi itself").isEqualTo(OAuthClientConfig.DEFAULT_NAME);
    }

    @Test
    void aCallWhoseFiltersRunOnAnotherThreadKeepsTheDeclaringInterfacesClient() throws Exception {
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            ReportsApi reports = proxy(ReportsApi.class, method -> {
                try {
                    return other.submit(() -> nameFor(method)).get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(reports.ping()).as("as Jersey's asynchronous calls").isEqualTo(OAuthClientConfig.DEFAULT_NAME);
        } finally {
            other.shutdownNow();
        }
    }

    private static <T> T proxy(Class<T> type, Function<Method, String> send) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[]{type},
                (proxy, method, arguments) -> send.apply(method)));
    }

    private String nameFor(Method method) {
        client.target("http://localhost:1/api").request()
                .property(ClientNames.INVOKED_METHOD, method)
                .get().close();
        return names.get(names.size() - 1);
    }
}
