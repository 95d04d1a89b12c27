package dev.oauthfilter.internal.clients;

import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenCache;
import dev.oauthfilter.TokenProvider;
import dev.oauthfilter.metrics.MetricsInstaller;
import dev.oauthfilter.testing.Forbidden;
import dev.oauthfilter.testing.FreshLibrary;
import dev.oauthfilter.testing.TokenServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import jndi.ThreadBoundNaming;

import javax.naming.Context;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The container's managed executor is looked up in JNDI ({@code java:comp/DefaultManagedExecutorService}), which an
 * application server binds only on threads of an application component: the lookup waits for the first refresh (a
 * request thread), not for the application's clients to be made, which the CDI extension's AfterDeploymentValidation
 * observer may do first (MetricsInstaller.install) on a thread of the deployment. A review found the early lookup.
 */
class ManagedExecutorLookupTest {

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbidding(Forbidden.secret("managed-client", "managed-secret"));

    @BeforeAll
    static void threadBoundJndi() {
        System.setProperty(Context.INITIAL_CONTEXT_FACTORY, ThreadBoundNaming.class.getName());
    }

    @AfterAll
    static void noJndi() {
        System.clearProperty(Context.INITIAL_CONTEXT_FACTORY);
    }

    @Test
    void whenMetricsAreInstalledOffTheComponentThenRequestThreadsStillRefreshOnTheManagedExecutor() {
        List<String> ran = new CopyOnWriteArrayList<>();
        Executor managed = task -> {
            ran.add("managed");
            new Thread(task, "managed-executor-thread").start();
        };

        FreshLibrary.run(MetricsThenRequest.class, Map.of("tokenUrl", fixture.server().uri("/token"),
                "managed", managed));

        assertThat(ran).as("token requests run on the container's managed executor").isNotEmpty();
    }

    /** On a library loaded anew: the deployment thread installs the metrics, then a request asks for a token. */
    public static final class MetricsThenRequest implements Consumer<Map<String, Object>> {
        @Override
        public void accept(Map<String, Object> argument) {
            try {
                // what OAuthFilterExtension.bindMetrics does at AfterDeploymentValidation: a thread with no
                // application component on it
                Thread deployment = new Thread(MetricsInstaller::install, "cdi-after-deployment-validation");
                deployment.start();
                deployment.join();
                // a request of the application: its component's JNDI is there
                ThreadBoundNaming.inComponent((Executor) argument.get("managed"), () -> TokenProvider.of(
                        OAuthClientConfig.builder().tokenUrl((URI) argument.get("tokenUrl")).clientId("managed-client")
                                .clientSecret("managed-secret").build()).token());
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            } finally {
                TokenCache.shared().close();
            }
        }
    }
}
