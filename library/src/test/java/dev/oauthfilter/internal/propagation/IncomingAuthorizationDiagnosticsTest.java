package dev.oauthfilter.internal.propagation;

import dev.oauthfilter.testing.LogCapture;
import jakarta.enterprise.context.control.RequestContextController;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.reflect.Proxy;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one diagnostic of token propagation: an incoming header that cannot be kept (no active CDI request context) is
 * reported at FINE, never with the header; one that is kept is not reported.
 */
@EnableWeld
class IncomingAuthorizationDiagnosticsTest {

    private static final String USER_TOKEN = "diagnosed-user-token";
    private static final String NOT_KEPT = "no active CDI request context";

    @WeldSetup
    WeldInitiator weld = WeldInitiator.of(IncomingRequest.class);

    @Inject
    Instance<RequestContextController> requests;

    @RegisterExtension
    final LogCapture logs = LogCapture.forbidding(() -> List.of(USER_TOKEN));

    private final IncomingAuthorizationFilter filter = new IncomingAuthorizationFilter();

    @Test
    void aHeaderKeptForItsRequestIsNotReported() {
        RequestContextController request = requests.get();
        request.activate();
        try {
            filter.filter(incoming("Bearer " + USER_TOKEN));
            assertThat(IncomingAuthorization.current()).contains("Bearer " + USER_TOKEN);
        } finally {
            request.deactivate();
        }

        assertThat(logs.lines()).noneMatch(l -> l.contains(NOT_KEPT));
    }

    @Test
    void aHeaderThatCannotBeKeptIsReportedAtFine() {
        filter.filter(incoming("Bearer " + USER_TOKEN));

        assertThat(IncomingAuthorization.current()).isEmpty();
        assertThat(logs.lines()).filteredOn(l -> l.contains(NOT_KEPT)).singleElement().asString().startsWith("FINE");
    }

    @Test
    void noHeaderIsNothingToReport() {
        filter.filter(incoming(null));
        filter.filter(incoming("  "));

        assertThat(logs.lines()).noneMatch(l -> l.contains(NOT_KEPT));
    }

    private static ContainerRequestContext incoming(String authorization) {
        return (ContainerRequestContext) Proxy.newProxyInstance(
                IncomingAuthorizationDiagnosticsTest.class.getClassLoader(),
                new Class<?>[] {ContainerRequestContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getHeaderString")) {
                        return authorization;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
