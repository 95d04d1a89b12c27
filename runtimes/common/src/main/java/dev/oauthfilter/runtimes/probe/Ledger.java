package dev.oauthfilter.runtimes.probe;

import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What the probe's servers saw, as SHA-256 fingerprints ({@code "none"} for a missing header): the
 * {@code Authorization} headers the token endpoint issued tokens for, by client id, and those the target received,
 * by test id. A test compares fingerprints and never sees a token.
 */
@ApplicationScoped
public class Ledger {

    private final Map<String, List<String>> issued = new ConcurrentHashMap<>();
    private final Map<String, List<String>> refused = new ConcurrentHashMap<>();
    private final Map<String, List<String>> received = new ConcurrentHashMap<>();

    void issued(String clientId, String authorizationHeader) {
        add(issued, clientId, authorizationHeader);
    }

    void refused(String clientId) {
        add(refused, clientId, null);
    }

    /** @return how many calls with this id arrived before this one */
    int received(String id, String authorization) {
        return add(received, id, authorization);
    }

    List<String> issuedTo(String clientId) {
        return issued.getOrDefault(clientId, List.of());
    }

    List<String> refusedFor(String clientId) {
        return refused.getOrDefault(clientId, List.of());
    }

    List<String> receivedBy(String id) {
        return received.getOrDefault(id, List.of());
    }

    private static int add(Map<String, List<String>> log, String key, String value) {
        List<String> entries = log.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>());
        entries.add(value == null ? "none" : fingerprint(value));
        return entries.size() - 1;
    }

    /** @return the first 16 hex digits of the value's SHA-256 */
    static String fingerprint(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
