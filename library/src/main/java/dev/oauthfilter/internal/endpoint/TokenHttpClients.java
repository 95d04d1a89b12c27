package dev.oauthfilter.internal.endpoint;

import javax.net.ssl.SSLContext;
import java.lang.reflect.Method;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The JDK HTTP clients of one token cache, one per (connect timeout, TLS context), made when first needed and
 * released by {@link #close()} when the application stops. Settings without a TLS context of their own get the
 * server's ({@link ServerTls}): on Open Liberty, its outbound SSL configuration for each token endpoint's host and port.
 *
 * <p>A JDK {@code HttpClient} runs a selector thread for as long as the client is reachable. In a server, that
 * thread must not keep the application alive after it stops: the clients are made with no context class loader
 * (their threads inherit none), their work runs on daemon threads of the library's own that {@code close()} ends,
 * and nothing but this object holds a client, so that dropping them at {@code close()} lets the selector thread end
 * (at once on Java 21+, which has {@code HttpClient.shutdownNow()}; after the next GC before). Asked again after
 * {@code close()}, a client is made anew.
 */
public final class TokenHttpClients implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(TokenHttpClients.class.getName());
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final Map<List<Object>, Held> clients = new ConcurrentHashMap<>();
    private final ServerTls server;

    /** Clients for the server the library runs in: see {@link ServerTls#detect()}. */
    public TokenHttpClients() {
        this(ServerTls.detect());
    }

    /** @param server the TLS configuration of the server, for settings without a TLS context of their own */
    public TokenHttpClients(ServerTls server) {
        this.server = server;
    }

    /**
     * Proxies are the JVM's: a client is built without a proxy selector of its own, so the default one applies
     * ({@code https.proxyHost}, {@code http.nonProxyHosts}, ...).
     *
     * @param connectTimeout the TCP connect timeout
     * @param sslContext     the TLS context; empty for the server's outbound TLS configuration (Open Liberty), else
     *                       the JVM default
     * @return what gives the client for these settings; holds no client itself
     */
    public Supplier<HttpClient> forSettings(Duration connectTimeout, Optional<SSLContext> sslContext) {
        Optional<SSLContext> effective = sslContext.or(server::forEveryHost);
        List<Object> key = List.of(connectTimeout, effective);
        return () -> clients.computeIfAbsent(key, settings -> Held.create(connectTimeout, effective)).client;
    }

    /** @return how many clients are held */
    public int size() {
        return clients.size();
    }

    /** Releases every client and its threads. */
    @Override
    public void close() {
        for (List<Object> key : List.copyOf(clients.keySet())) {
            Held held = clients.remove(key);
            if (held != null) {
                held.release();
            }
        }
    }

    private static final class Held {
        final HttpClient client;
        final ExecutorService executor;

        private Held(HttpClient client, ExecutorService executor) {
            this.client = client;
            this.executor = executor;
        }

        static Held create(Duration connectTimeout, Optional<SSLContext> sslContext) {
            ThreadPoolExecutor executor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
                    new SynchronousQueue<>(), task -> {
                        Thread thread = new Thread(task, "oauth-filter-http-" + THREADS.incrementAndGet());
                        thread.setDaemon(true);
                        thread.setContextClassLoader(null);
                        return thread;
                    });
            HttpClient.Builder builder = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .connectTimeout(connectTimeout)
                    .executor(executor);
            sslContext.ifPresent(builder::sslContext);
            // the selector thread starts in build() and inherits the caller's context class loader
            Thread current = Thread.currentThread();
            ClassLoader contextLoader = current.getContextClassLoader();
            current.setContextClassLoader(null);
            try {
                return new Held(builder.build(), executor);
            } finally {
                current.setContextClassLoader(contextLoader);
            }
        }

        void release() {
            try {
                Method shutdownNow = HttpClient.class.getMethod("shutdownNow");
                shutdownNow.invoke(client);
            } catch (NoSuchMethodException beforeJava21) {
                LOG.finest("HttpClient.shutdownNow() needs Java 21; the selector thread ends once the client is"
                        + " collected");
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.fine(() -> "could not shut the HTTP client down: " + e.getClass().getName());
            }
            // not shutdownNow(): an exchange in flight completes (its caller is not left to time out)
            executor.shutdown();
        }
    }
}
