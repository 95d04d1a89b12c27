package dev.oauthfilter.internal.clients;

import dev.oauthfilter.TokenEvents;
import dev.oauthfilter.TokenStatus;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/** A listener that can fail without failing a token request: metrics are never worth a missing token. */
final class SafeTokenEvents implements TokenEvents {

    private static final Logger LOG = Logger.getLogger(SafeTokenEvents.class.getName());
    private final TokenEvents delegate;
    private final AtomicBoolean warned = new AtomicBoolean();

    SafeTokenEvents(TokenEvents delegate) {
        this.delegate = delegate;
    }

    @Override
    public void tokenRequest(String client, String outcome, Duration took) {
        guard(() -> delegate.tokenRequest(client, outcome, took));
    }

    @Override
    public void backgroundRefresh(String client) {
        guard(() -> delegate.backgroundRefresh(client));
    }

    @Override
    public void waited(String client) {
        guard(() -> delegate.waited(client));
    }

    @Override
    public void sourceCreated(String client, TokenStatus status) {
        guard(() -> delegate.sourceCreated(client, status));
    }

    @Override
    public void closed() {
        guard(delegate::closed);
    }

    @Override
    public Runnable acquisition(String client, boolean awaited, Runnable acquisition) {
        Runnable wrapped;
        try {
            wrapped = delegate.acquisition(client, awaited, acquisition);
        } catch (RuntimeException | Error e) {
            rethrowIfFatal(e);
            warn(e);
            return acquisition;
        }
        // the token source runs acquisition itself if the wrapper drops it or fails before it
        return wrapped == null || wrapped == acquisition ? acquisition : () -> guard(wrapped);
    }

    @Override
    public HttpExchange httpRequest(String client, String grantType, URI endpoint, int resendCount) {
        HttpExchange exchange;
        try {
            exchange = delegate.httpRequest(client, grantType, endpoint, resendCount);
        } catch (RuntimeException | Error e) {
            rethrowIfFatal(e);
            warn(e);
            return HttpExchange.NONE;
        }
        return exchange == null || exchange == HttpExchange.NONE ? HttpExchange.NONE
                : (status, outcome) -> guard(() -> exchange.ended(status, outcome));
    }

    private void guard(Runnable event) {
        try {
            event.run();
        } catch (RuntimeException | Error e) {
            rethrowIfFatal(e);
            warn(e);
        }
    }

    // an Error too (a LinkageError of a listener built against a newer API than the server's: the OpenTelemetry
    // binding on Payara 7.2025.1, whose API is 1.29; an AssertionError): no listener keeps tokens from being had
    private static void rethrowIfFatal(Throwable e) {
        if (e instanceof VirtualMachineError) {
            throw (VirtualMachineError) e;
        }
    }

    private void warn(Throwable e) {
        if (warned.compareAndSet(false, true)) {
            LOG.log(Level.WARNING, "oauth-filter: a token event listener failed; tokens are not affected", e);
        }
    }
}
