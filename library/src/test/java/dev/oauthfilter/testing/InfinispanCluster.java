package dev.oauthfilter.testing;

import org.infinispan.jcache.embedded.JCachingProvider;
import org.infinispan.manager.EmbeddedCacheManager;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.spi.CachingProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A real Infinispan cluster of embedded members in the test's JVM, each with its own JCache {@link CacheManager} made
 * by Infinispan's caching provider from a configuration file, as each replica of an application has: members form a
 * JGroups cluster over TCP on 127.0.0.1 (fixed ports, TCPPING discovery) under a cluster name of their own. Register it
 * on a static field; members are started when asked for and the caches are emptied after each test.
 *
 * <p>Every member gets its own configuration file (only its port and name differ), hence its own manager URI:
 * Infinispan's provider keeps one manager per URI and class loader, and unlike Hazelcast it does not put the URI in
 * the caches' names.
 */
public final class InfinispanCluster implements JCacheFleet, AfterEachCallback, AfterAllCallback {

    /** How the members' configuration defines the library's caches. */
    public enum Caches {
        /** {@code oauth-filter-tokens} and {@code oauth-filter-leases} as replicated caches with their expiration */
        NAMED("<replicated-cache name=\"oauth-filter-tokens\" mode=\"SYNC\"><expiration lifespan=\"86400000\"/>"
                + "</replicated-cache>\n<replicated-cache name=\"oauth-filter-leases\" mode=\"SYNC\">"
                + "<expiration lifespan=\"10000\"/></replicated-cache>"),
        /** a replicated template for every cache named {@code oauth-filter-*} */
        TEMPLATE("<replicated-cache-configuration name=\"oauth-filter-*\" mode=\"SYNC\"/>"),
        /** nothing: the caches the library creates get Infinispan's defaults */
        UNDEFINED("");

        private final String xml;

        Caches(String xml) {
            this.xml = xml;
        }
    }

    private static final int MAX_MEMBERS = 8;
    private static final Duration FORMED_WITHIN = Duration.ofSeconds(30);

    // not "oauth-filter-...": the test fixture takes threads of that name for the library's
    private final String clusterName = "fleet-test-" + UUID.randomUUID();
    private final int basePort;
    private final Caches caches;
    private final List<CachingProvider> providers = new ArrayList<>();
    private final List<CacheManager> managers = new ArrayList<>();
    private final List<Boolean> alive = new ArrayList<>();
    private Path configurations;

    /**
     * @param basePort the JGroups port of the first member; member {@code i} listens on {@code basePort + i}, so
     *                 clusters of one test run need bases at least 8 apart
     */
    public InfinispanCluster(int basePort) {
        this(basePort, Caches.NAMED);
    }

    /** @param caches how the members' configuration defines the library's caches */
    public InfinispanCluster(int basePort, Caches caches) {
        this.basePort = basePort;
        this.caches = caches;
    }

    @Override
    public synchronized CacheManager manager(int index) {
        while (managers.size() <= index) {
            start();
        }
        return managers.get(index);
    }

    @Override
    public synchronized CacheManager start() {
        int index = managers.size();
        if (index >= MAX_MEMBERS) {
            throw new IllegalStateException("at most " + MAX_MEMBERS + " members");
        }
        // as in a replica of its own: its own provider, the provider's class loader, a configuration file as URI
        CachingProvider provider = new JCachingProvider();
        providers.add(provider);
        CacheManager manager = provider.getCacheManager(configuration(index).toUri(),
                provider.getDefaultClassLoader());
        managers.add(manager);
        alive.add(true);
        awaitMembers(manager, (int) alive.stream().filter(Boolean::booleanValue).count());
        return manager;
    }

    /**
     * Stops member {@code index}: it leaves the cluster and its cache manager fails every call from then on. A
     * graceful leave, not a crash: members in one JVM share it (a crash is tested between processes, on Hazelcast).
     */
    @Override
    public synchronized void kill(int index) {
        alive.set(index, false);
        managers.get(index).close();
    }

    private static void awaitMembers(CacheManager manager, int expected) {
        EmbeddedCacheManager embedded = manager.unwrap(EmbeddedCacheManager.class);
        long deadline = System.nanoTime() + FORMED_WITHIN.toNanos();
        while (embedded.getMembers() == null || embedded.getMembers().size() < expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the Infinispan cluster did not reach " + expected + " members within "
                        + FORMED_WITHIN.toSeconds() + " s: " + embedded.getMembers());
            }
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
    }

    private Path configuration(int index) {
        try {
            if (configurations == null) {
                configurations = Files.createTempDirectory("infinispan-fleet-");
            }
            String template;
            try (InputStream in = InfinispanCluster.class.getResourceAsStream("/infinispan-fleet.xml")) {
                template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            String hosts = IntStream.range(basePort, basePort + MAX_MEMBERS).mapToObj(p -> "127.0.0.1[" + p + "]")
                    .collect(Collectors.joining(","));
            String xml = template.replace("{port}", Integer.toString(basePort + index)).replace("{hosts}", hosts)
                    // the first member waits this long for a coordinator before it becomes one
                    .replace("{joinTimeout}", index == 0 ? "200ms" : "2s")
                    .replace("{cluster}", clusterName).replace("{node}", "fleet-ispn-" + basePort + "-" + index)
                    .replace("{caches}", caches.xml);
            Path file = configurations.resolve("member-" + index + ".xml");
            Files.writeString(file, xml, StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void afterEach(ExtensionContext context) {
        // every member's: caches that the configuration does not define are each member's own
        for (int i = 0; i < managers.size(); i++) {
            if (alive.get(i)) {
                for (String name : List.of("oauth-filter-tokens", "oauth-filter-leases")) {
                    Cache<String, String> cache = cache(i, name);
                    if (cache != null) {
                        cache.clear();
                    }
                }
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    /** Ends every member, last first (no state to move to members about to stop). */
    @Override
    public synchronized void close() {
        for (int i = providers.size() - 1; i >= 0; i--) {
            providers.get(i).close();
        }
        providers.clear();
        managers.clear();
        alive.clear();
        if (configurations != null) {
            try (var files = Files.list(configurations)) {
                for (Path file : files.collect(Collectors.toList())) {
                    Files.deleteIfExists(file);
                }
                Files.deleteIfExists(configurations);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            configurations = null;
        }
    }
}
