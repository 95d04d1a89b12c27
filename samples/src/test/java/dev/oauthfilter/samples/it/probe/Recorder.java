package dev.oauthfilter.samples.it.probe;

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
 * What the probe's target resources received, per test id: the {@code Authorization} header of each call as a
 * SHA-256 fingerprint ({@code "none"} when absent), so that a test can tell tokens apart without ever seeing one.
 */
@ApplicationScoped
public class Recorder {

    private final Map<String, List<String>> received = new ConcurrentHashMap<>();

    /** @return how many calls with this id arrived before this one */
    int record(String id, String authorization) {
        List<String> calls = received.computeIfAbsent(id, key -> new CopyOnWriteArrayList<>());
        calls.add(authorization == null ? "none" : fingerprint(authorization));
        return calls.size() - 1;
    }

    List<String> received(String id) {
        return received.getOrDefault(id, List.of());
    }

    private static String fingerprint(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
