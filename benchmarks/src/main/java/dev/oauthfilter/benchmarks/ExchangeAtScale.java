package dev.oauthfilter.benchmarks;

import dev.oauthfilter.AccessToken;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenCache;
import dev.oauthfilter.fixtures.MutableClock;
import dev.oauthfilter.internal.clients.BoundedTokenCache;
import dev.oauthfilter.internal.tokens.ExchangedTokens;

import org.openjdk.jol.info.GraphLayout;

import javax.management.ObjectName;
import java.lang.reflect.Field;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.SplittableRandom;

/**
 * An hour of RFC 8693 token exchanges for many distinct users, in one JVM, time moved by a {@link MutableClock}: each
 * user comes with its own JWT-shaped incoming token ({@code exp} an hour after it was issued), is active in a window
 * of a few minutes that starts at a random time of the hour, and makes a few calls in it, each
 * {@code exchange(incomingToken)} of one exchanging client against {@link TokenEndpointStub}'s {@code /exchange}.
 * Calls run one after another in the order of their times. Prints the exchange requests sent, the hits, the entries
 * the cache held, its retained heap and the time of a hit and of a miss.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.oauthfilter.benchmarks.ExchangeAtScale [users] [window-s] [calls] [expires-in-s]
 * </pre>
 * Defaults: 100,000 users, a window of 300 s, 4 calls per user, exchanged tokens of 900 s.
 */
public final class ExchangeAtScale {

    private static final Instant START = Instant.parse("2026-12-08T00:00:00Z");
    private static final long HOUR_MILLIS = Duration.ofHours(1).toMillis();
    private static final int USER_BITS = 21;
    private static final String SIGNATURE = filler(342); // the length of an RS256 signature in base64url
    private static final String HEADER = base64Url("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"idp-2026-12\"}");

    private ExchangeAtScale() {
    }

    public static void main(String[] args) throws Exception {
        int users = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        long windowMillis = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 300).toMillis();
        int calls = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        long expiresIn = args.length > 3 ? Long.parseLong(args[3]) : 900;
        if (users >= 1 << USER_BITS) {
            throw new IllegalArgumentException("at most " + ((1 << USER_BITS) - 1) + " users");
        }

        // each user: the start of its window (when its incoming token was issued), its calls' times in the window
        SplittableRandom random = new SplittableRandom(23);
        long[] starts = new long[users];
        long[] events = new long[users * calls];
        int[] callsOf = new int[users];
        for (int user = 0; user < users; user++) {
            starts[user] = random.nextLong(HOUR_MILLIS - windowMillis);
            events[user * calls] = starts[user] << USER_BITS | user;
            for (int call = 1; call < calls; call++) {
                events[user * calls + call] = (starts[user] + random.nextLong(windowMillis)) << USER_BITS | user;
            }
        }
        Arrays.sort(events);

        long heapBefore = heapAfterGc();
        MutableClock clock = new MutableClock(START);
        TokenEndpointStub stub = new TokenEndpointStub(0, expiresIn);
        TokenCache cache = TokenCache.builder().clock(clock).build();
        ExchangedTokens exchange = (ExchangedTokens) ((BoundedTokenCache) cache).exchange(OAuthClientConfig.builder()
                .tokenUrl(stub.uri("/exchange")).clientId("exchanger").clientSecret("exchanger-secret")
                .audience("billing").build());

        long hits = 0;
        long laterCallHits = 0;
        long laterCalls = 0;
        long hitNanos = 0;
        long missNanos = 0;
        int maxEntries = 0;
        int done = 0;
        long began = System.nanoTime();
        for (long event : events) {
            int user = (int) (event & ((1 << USER_BITS) - 1));
            clock.set(START.plusMillis(event >>> USER_BITS));
            String incoming = incomingToken(user, starts[user]);
            int sent = stub.exchangeRequests();
            long t0 = System.nanoTime();
            AccessToken token = exchange.exchange(incoming);
            long took = System.nanoTime() - t0;
            boolean hit = stub.exchangeRequests() == sent;
            if (token == null) {
                throw new IllegalStateException("no token");
            }
            if (hit) {
                hits++;
                hitNanos += took;
            } else {
                missNanos += took;
            }
            if (callsOf[user]++ > 0) {
                laterCalls++;
                laterCallHits += hit ? 1 : 0;
            }
            maxEntries = Math.max(maxEntries, exchange.size());
            if (++done % Math.max(1, events.length / 20) == 0) {
                System.out.printf("%3d%% of the calls (minute %d of the hour): %,d exchanges, %,d hits, %,d entries,"
                                + " %.0f s of wall time%n", 100L * done / events.length,
                        (event >>> USER_BITS) / 60_000, stub.exchangeRequests(), hits, exchange.size(),
                        (System.nanoTime() - began) / 1e9);
            }
        }
        long elapsed = System.nanoTime() - began;
        int exchanges = stub.exchangeRequests();
        int entriesAtEnd = exchange.size();

        long heapWithCache = heapAfterGc();
        String histogram = histogram();
        GraphLayout entries = GraphLayout.parseInstance(entriesOf(exchange));
        cache.close();
        stub.close();
        exchange = null;
        cache = null;
        long heapWithout = heapAfterGc();

        System.out.printf("Java %s, %d cores; bound %d entries%n", System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), 1000);
        System.out.printf("users %,d, window %d s, %d calls per user, exchanged tokens of %d s, calls %,d in %.1f s"
                        + " of wall time%n", users, windowMillis / 1000, calls, expiresIn, events.length,
                elapsed / 1e9);
        System.out.printf("users active at once (mean): %,.0f%n", (double) users * windowMillis / HOUR_MILLIS);
        System.out.printf("exchange requests sent: %,d (%.2f per user; %.2f would do: one per user)%n", exchanges,
                (double) exchanges / users, 1.0);
        System.out.printf("hits: %,d of %,d calls (%.1f%%); later calls of a user that hit: %,d of %,d (%.1f%%)%n",
                hits, events.length, 100.0 * hits / events.length, laterCallHits, laterCalls,
                100.0 * laterCallHits / Math.max(1, laterCalls));
        System.out.printf("entries held: %,d at the end, %,d at most%n", entriesAtEnd, maxEntries);
        System.out.printf("time per call: hit %,.0f ns, miss %,.0f ns (loopback HTTP included)%n",
                hits == 0 ? 0.0 : (double) hitNanos / hits, (double) missNanos / Math.max(1, events.length - hits));
        System.out.printf("the cache's map (JOL graph of ExchangedTokens.entries): %,d B in %,d objects, %,d B per"
                + " entry held%n", entries.totalSize(), entries.totalCount(),
                entries.totalSize() / Math.max(1, entriesAtEnd));
        System.out.printf("heap used after GC: %,d B before the cache, %,d B at the end, %,d B once the cache is closed"
                + " and dropped%n", heapBefore, heapWithCache, heapWithout);
        System.out.println("class histogram, the cache's classes (instances, bytes, class):");
        System.out.print(histogram);
    }

    /** A JWT-shaped incoming token: header, claims (issued at the start of the user's window, exp an hour on), signature. */
    static String incomingToken(int user, long issuedMillis) {
        long iat = START.plusMillis(issuedMillis).getEpochSecond();
        String claims = "{\"iss\":\"https://idp.example.com/realms/users\",\"sub\":\"user-" + user
                + "\",\"aud\":\"orders\",\"iat\":" + iat + ",\"exp\":" + (iat + 3600) + ",\"jti\":\"jti-" + user
                + "\",\"scope\":\"orders.read orders.write\"}";
        return HEADER + "." + base64Url(claims) + "." + SIGNATURE;
    }

    private static String base64Url(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String filler(int length) {
        StringBuilder text = new StringBuilder(length);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(i * 7 % alphabet.length()));
        }
        return text.toString();
    }

    private static Object entriesOf(ExchangedTokens exchange) throws ReflectiveOperationException {
        Field entries = ExchangedTokens.class.getDeclaredField("entries");
        entries.setAccessible(true);
        return entries.get(exchange);
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static String histogram() throws Exception {
        String all = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        StringBuilder ours = new StringBuilder();
        for (String line : all.split("\n")) {
            if (line.contains("ExchangedTokens") || line.contains("dev.oauthfilter.AccessToken ")
                    || line.contains("java.util.concurrent.CompletableFuture ")
                    || line.contains("java.util.LinkedHashMap$Entry ")) {
                ours.append(line).append('\n');
            }
        }
        return ours.toString();
    }
}
