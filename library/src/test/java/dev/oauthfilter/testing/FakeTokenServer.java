package dev.oauthfilter.testing;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * An in-JVM HTTP server on loopback playing two parts: a token endpoint (every path not under {@code /api}) whose
 * answers a test programs, and a protected API ({@code /api/...}) that records the {@code Authorization} header it
 * received. Records every request (method, path, headers, body) so tests assert on what was really sent.
 */
public final class FakeTokenServer implements AutoCloseable {

    /** One request as the server received it. */
    public static final class Received {
        public final String method;
        public final String path;
        public final Headers headers;
        public final String body;

        Received(String method, String path, Headers headers, String body) {
            this.method = method;
            this.path = path;
            this.headers = headers;
            this.body = body;
        }

        public String header(String name) {
            return headers.getFirst(name);
        }
    }

    /** A programmed answer. */
    public static final class Reply {
        final int status;
        final byte[] body;
        final Map<String, String> headers;
        final boolean never;

        private Reply(int status, byte[] body, Map<String, String> headers, boolean never) {
            this.status = status;
            this.body = body;
            this.headers = headers;
            this.never = never;
        }

        public static Reply json(int status, String json) {
            return new Reply(status, json.getBytes(StandardCharsets.UTF_8),
                    Map.of("Content-Type", "application/json"), false);
        }

        public static Reply of(int status, String contentType, byte[] body, Map<String, String> headers) {
            Map<String, String> all = new java.util.HashMap<>(headers);
            if (contentType != null) {
                all.put("Content-Type", contentType);
            }
            return new Reply(status, body, all, false);
        }

        /** Accepts the request and never answers (until the server closes). */
        public static Reply never() {
            return new Reply(0, new byte[0], Map.of(), true);
        }
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Received> tokenRequests = new CopyOnWriteArrayList<>();
    private final List<Received> apiRequests = new CopyOnWriteArrayList<>();
    private final List<Received> documentRequests = new CopyOnWriteArrayList<>();
    private final Map<String, Function<Received, Reply>> documents = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<String> issuedTokens = new CopyOnWriteArrayList<>();
    private final AtomicInteger tokenCounter = new AtomicInteger();
    private final AtomicReference<Function<Received, Reply>> responder = new AtomicReference<>();
    private final AtomicReference<Function<Received, Reply>> apiResponder = new AtomicReference<>(
            request -> Reply.of(200, "text/plain", "ok".getBytes(StandardCharsets.UTF_8), Map.of()));
    private final AtomicReference<CountDownLatch> gate = new AtomicReference<>(new CountDownLatch(0));
    private final Semaphore tokenRequestArrived = new Semaphore(0);
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile long expiresIn = 3600;

    private FakeTokenServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        responder.set(request -> Reply.json(200, "{\"access_token\":\"" + newToken()
                + "\",\"token_type\":\"Bearer\",\"expires_in\":" + expiresIn + "}"));
        server.start();
    }

    public static FakeTokenServer start() {
        try {
            return new FakeTokenServer();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** The same server under the host name {@code localhost}: another origin for the same socket. */
    public URI uriByName(String path) {
        return URI.create("http://localhost:" + server.getAddress().getPort() + path);
    }

    /** Every token request from now on gets this answer. */
    public void respond(Function<Received, Reply> responder) {
        this.responder.set(responder);
    }

    /** Requests to {@code path} (metadata documents, JWKS, ...) get this answer and are not token requests. */
    public void serveDocument(String path, Function<Received, Reply> responder) {
        documents.put(path, responder);
    }

    public List<Received> documentRequests() {
        return new ArrayList<>(documentRequests);
    }

    /** Every request to the protected API ({@code /api/...}) from now on gets this answer. */
    public void respondApi(Function<Received, Reply> responder) {
        this.apiResponder.set(responder);
    }

    /** Token requests get a fresh opaque token with this {@code expires_in}. */
    public void issueTokensLasting(long seconds) {
        this.expiresIn = seconds;
        responder.set(request -> Reply.json(200, "{\"access_token\":\"" + newToken()
                + "\",\"token_type\":\"Bearer\",\"expires_in\":" + expiresIn + "}"));
    }

    /** A new unique token value, remembered so tests can check it never leaks. */
    public String newToken() {
        String token = "tok-" + tokenCounter.incrementAndGet() + "-" + Long.toHexString(System.nanoTime());
        issuedTokens.add(token);
        return token;
    }

    /** Token responses wait until {@link #releaseResponses()}. */
    public void holdResponses() {
        gate.set(new CountDownLatch(1));
    }

    public void releaseResponses() {
        gate.get().countDown();
    }

    /** Waits until {@code count} more token requests have arrived (at the server, before any answer). */
    public boolean awaitTokenRequests(int count, long seconds) throws InterruptedException {
        return tokenRequestArrived.tryAcquire(count, seconds, TimeUnit.SECONDS);
    }

    public List<Received> tokenRequests() {
        return new ArrayList<>(tokenRequests);
    }

    public int tokenRequestCount() {
        return tokenRequests.size();
    }

    public List<Received> apiRequests() {
        return new ArrayList<>(apiRequests);
    }

    public List<String> issuedTokens() {
        return new ArrayList<>(issuedTokens);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Received received = new Received(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    copy(exchange.getRequestHeaders()), body);
            Function<Received, Reply> document = documents.get(received.path);
            if (document != null) {
                documentRequests.add(received);
                write(exchange, document.apply(received));
                return;
            }
            if (received.path.startsWith("/api")) {
                apiRequests.add(received);
                write(exchange, apiResponder.get().apply(received));
                return;
            }
            tokenRequests.add(received);
            tokenRequestArrived.release();
            Reply reply = responder.get().apply(received);
            awaitQuietly(gate.get());
            if (reply.never) {
                awaitQuietly(closed);
                return;
            }
            write(exchange, reply);
        }
    }

    private static void write(HttpExchange exchange, Reply reply) throws IOException {
        reply.headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        exchange.sendResponseHeaders(reply.status, reply.body.length == 0 ? -1 : reply.body.length);
        if (reply.body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(reply.body);
            }
        }
    }

    private static Headers copy(Headers headers) {
        Headers copy = new Headers();
        headers.forEach(copy::put);
        return copy;
    }

    private void awaitQuietly(CountDownLatch latch) {
        try {
            while (!latch.await(100, TimeUnit.MILLISECONDS)) {
                if (closed.getCount() == 0) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed.countDown();
        gate.get().countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
