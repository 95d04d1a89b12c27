package dev.oauthfilter.samples.authserver;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** How many token requests each client made: what proves that the library caches. */
@ApplicationScoped
public class TokenRequestStats {

    private final Map<String, AtomicInteger> byClient = new ConcurrentHashMap<>();

    void count(String clientId) {
        byClient.computeIfAbsent(clientId, id -> new AtomicInteger()).incrementAndGet();
    }

    /** @return token requests per client id, sorted */
    public Map<String, Integer> snapshot() {
        Map<String, Integer> copy = new TreeMap<>();
        byClient.forEach((id, count) -> copy.put(id, count.get()));
        return copy;
    }
}
