package dev.oauthfilter.internal.clients;

import dev.oauthfilter.TokenEvents;
import dev.oauthfilter.TokenStatus;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Every listener of a cache, each told of every event: how the MicroProfile Metrics and the OpenTelemetry bindings
 * listen to one server's application side by side. Immutable: {@link #with} makes the next one. Each listener is a
 * {@link SafeTokenEvents}, so that one that fails neither fails a token request nor keeps the others from hearing.
 */
final class TokenListeners implements TokenEvents {

    static final TokenListeners NONE = new TokenListeners(List.of());

    private final List<TokenEvents> listeners;

    private TokenListeners(List<TokenEvents> listeners) {
        this.listeners = listeners;
    }

    /**
     * @param listener one more listener ({@link TokenEvents#NONE} adds nothing)
     * @return these listeners and {@code listener}, made safe
     */
    TokenListeners with(TokenEvents listener) {
        if (listener == TokenEvents.NONE) {
            return this;
        }
        List<TokenEvents> more = new ArrayList<>(listeners);
        more.add(listener instanceof SafeTokenEvents ? listener : new SafeTokenEvents(listener));
        return new TokenListeners(List.copyOf(more));
    }

    /** @return whether there is no listener */
    boolean isEmpty() {
        return listeners.isEmpty();
    }

    @Override
    public void tokenRequest(String client, String outcome, Duration took) {
        listeners.forEach(listener -> listener.tokenRequest(client, outcome, took));
    }

    @Override
    public void backgroundRefresh(String client) {
        listeners.forEach(listener -> listener.backgroundRefresh(client));
    }

    @Override
    public void waited(String client) {
        listeners.forEach(listener -> listener.waited(client));
    }

    @Override
    public void sourceCreated(String client, TokenStatus status) {
        listeners.forEach(listener -> listener.sourceCreated(client, status));
    }

    @Override
    public void closed() {
        listeners.forEach(TokenEvents::closed);
    }

    /** Each listener wraps what the one before it returned: the first one's wrapper runs innermost. */
    @Override
    public Runnable acquisition(String client, boolean awaited, Runnable acquisition) {
        Runnable task = acquisition;
        for (TokenEvents listener : listeners) {
            task = listener.acquisition(client, awaited, task);
        }
        return task;
    }

    @Override
    public HttpExchange httpRequest(String client, String grantType, URI endpoint, int resendCount) {
        if (listeners.size() == 1) {
            return listeners.get(0).httpRequest(client, grantType, endpoint, resendCount);
        }
        List<HttpExchange> exchanges = new ArrayList<>(listeners.size());
        for (TokenEvents listener : listeners) {
            HttpExchange exchange = listener.httpRequest(client, grantType, endpoint, resendCount);
            if (exchange != HttpExchange.NONE) {
                exchanges.add(exchange);
            }
        }
        return exchanges.isEmpty() ? HttpExchange.NONE
                : (status, outcome) -> exchanges.forEach(exchange -> exchange.ended(status, outcome));
    }
}
