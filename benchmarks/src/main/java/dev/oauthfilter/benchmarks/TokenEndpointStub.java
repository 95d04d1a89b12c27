package dev.oauthfilter.benchmarks;

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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The in-JVM endpoints every benchmark uses, on loopback: a token endpoint ({@code /token}) answering after a
 * configurable latency with a fresh opaque token ({@code /dpop-token}: of type DPoP; {@code /exchange}: an RFC 8693
 * token exchange, refused unless the form asks for one), and a protected API ({@code /api}) answering a few bytes.
 */
final class TokenEndpointStub implements AutoCloseable {

    static {
        // the JDK server otherwise stalls ~40 ms per keep-alive exchange (Nagle + delayed ACK)
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "stub-endpoint");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicInteger tokenRequests = new AtomicInteger();
    private final AtomicInteger exchangeRequests = new AtomicInteger();
    private final ConcurrentLinkedQueue<Long> arrivals = new ConcurrentLinkedQueue<>();
    private final long latencyMillis;
    private final long expiresInSeconds;

    TokenEndpointStub(long latencyMillis, long expiresInSeconds) {
        this.latencyMillis = latencyMillis;
        this.expiresInSeconds = expiresInSeconds;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(threads);
        server.createContext("/token", exchange -> token(exchange, "Bearer"));
        server.createContext("/dpop-token", exchange -> token(exchange, "DPoP"));
        server.createContext("/exchange", this::exchange);
        server.createContext("/api", exchange -> reply(exchange, 200, "text/plain", "ok"));
        server.start();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    int tokenRequests() {
        return tokenRequests.get();
    }

    /** @return the token exchanges ({@code /exchange}) answered with a token */
    int exchangeRequests() {
        return exchangeRequests.get();
    }

    /**
     * Token requests that arrived within {@code window} after the one before: more than one request for the same
     * token generation (a fleet that shares its tokens should make none).
     */
    int duplicateRequests(long windowMillis) {
        List<Long> times = new ArrayList<>(arrivals);
        times.sort(null);
        int duplicates = 0;
        for (int i = 1; i < times.size(); i++) {
            if (times.get(i) - times.get(i - 1) < TimeUnit.MILLISECONDS.toNanos(windowMillis)) {
                duplicates++;
            }
        }
        return duplicates;
    }

    private void token(HttpExchange exchange, String tokenType) throws IOException {
        exchange.getRequestBody().readAllBytes();
        arrivals.add(System.nanoTime());
        int n = tokenRequests.incrementAndGet();
        if (latencyMillis > 0) {
            try {
                TimeUnit.MILLISECONDS.sleep(latencyMillis); // the simulated authorization server's own latency
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        reply(exchange, 200, "application/json", "{\"access_token\":\"bench-token-" + n
                + "-0123456789abcdef0123456789abcdef\",\"token_type\":\"" + tokenType + "\",\"expires_in\":"
                + expiresInSeconds
                + ",\"scope\":\"read\"}");
    }

    private void exchange(HttpExchange exchange) throws IOException {
        String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        if (!form.contains("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange")
                || !form.contains("subject_token=")) {
            reply(exchange, 400, "application/json", "{\"error\":\"unsupported_grant_type\"}");
            return;
        }
        int n = exchangeRequests.incrementAndGet();
        reply(exchange, 200, "application/json", "{\"access_token\":\"exchanged-token-" + n
                + "-0123456789abcdef0123456789abcdef\",\"issued_token_type\":"
                + "\"urn:ietf:params:oauth:token-type:access_token\",\"token_type\":\"Bearer\",\"expires_in\":"
                + expiresInSeconds + "}");
    }

    private static void reply(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
