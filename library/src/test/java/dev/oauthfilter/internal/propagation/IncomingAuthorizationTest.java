package dev.oauthfilter.internal.propagation;

import jakarta.enterprise.context.control.RequestContextController;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The incoming token is bound to its request's CDI context, not to a thread: nothing that runs after the request,
 * or outside it, on the same thread or another, can see it, and nothing has to clear it.
 */
@EnableWeld
class IncomingAuthorizationTest {

    private static final String USER = "Bearer a-users-token";

    @WeldSetup
    WeldInitiator weld = WeldInitiator.of(IncomingRequest.class);

    @Inject
    Instance<RequestContextController> requests;

    private final IncomingAuthorizationFilter filter = new IncomingAuthorizationFilter();

    @Test
    void theHeaderIsVisibleDuringItsRequestAndGoneWhenTheRequestEndsWithoutAResponseFilter() {
        RequestContextController request = requests.get();
        request.activate();
        filter.filter(incoming(USER));
        assertThat(IncomingAuthorization.current()).contains(USER);
        request.deactivate();

        // same thread, no response filter ran (as for a resumed or failed request): nothing left behind
        assertThat(IncomingAuthorization.current()).isEmpty();
    }

    @Test
    void theNextRequestOnTheSameThreadWithoutAHeaderSeesNone() {
        RequestContextController first = requests.get();
        first.activate();
        filter.filter(incoming(USER));
        first.deactivate();

        RequestContextController second = requests.get();
        second.activate();
        filter.filter(incoming(null));
        assertThat(IncomingAuthorization.current()).isEmpty();
        second.deactivate();
    }

    @Test
    void anotherThreadDoesNotSeeTheRequestsHeader() {
        RequestContextController request = requests.get();
        request.activate();
        try {
            filter.filter(incoming(USER));
            Optional<String> elsewhere = CompletableFuture.supplyAsync(IncomingAuthorization::current).join();
            assertThat(elsewhere).isEmpty();
        } finally {
            request.deactivate();
        }
    }

    @Test
    void runWithScopesTheHeaderToItsWorkAndOverridesTheRequest() {
        RequestContextController request = requests.get();
        request.activate();
        try {
            filter.filter(incoming(USER));
            IncomingAuthorization.runWith(null, () -> assertThat(IncomingAuthorization.current()).isEmpty());
            IncomingAuthorization.runWith("Bearer other", () ->
                    assertThat(IncomingAuthorization.current()).contains("Bearer other"));
            assertThat(IncomingAuthorization.current()).contains(USER);
        } finally {
            request.deactivate();
        }
        IncomingAuthorization.runWith("Bearer other", () -> { });
        assertThat(IncomingAuthorization.current()).isEmpty();
    }

    @Test
    void withoutAnActiveRequestContextNothingIsCaptured() {
        filter.filter(incoming(USER));

        assertThat(IncomingAuthorization.current()).isEmpty();
    }

    private static ContainerRequestContext incoming(String authorization) {
        return (ContainerRequestContext) Proxy.newProxyInstance(IncomingAuthorizationTest.class.getClassLoader(),
                new Class<?>[] {ContainerRequestContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getHeaderString")) {
                        return authorization;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
