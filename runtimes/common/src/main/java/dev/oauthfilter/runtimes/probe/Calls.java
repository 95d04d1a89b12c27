package dev.oauthfilter.runtimes.probe;

import dev.oauthfilter.OAuthClientFilter;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.TokenProvider;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.client.WebTarget;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.RestClientBuilder;

import java.net.URI;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * How the probe's callers make a call and say what happened: {@code status:<n>} per call, {@code refused:<code>} when
 * the library gave no token, or {@code error:<exception>}; clients built for the calls, as an application does with
 * {@code RestClientBuilder} and {@code ClientBuilder}, and closed after.
 */
final class Calls {

    private Calls() {
    }

    /** Builds a Rest Client of {@code type} for {@code base}, makes the calls, and closes it. */
    static <T> String withRestClient(URI base, Class<T> type, boolean followRedirects, Function<T, String> calls) {
        T api = RestClientBuilder.newBuilder().baseUri(base).followRedirects(followRedirects).build(type);
        try {
            return calls.apply(api);
        } finally {
            close(api);
        }
    }

    /** A plain JAX-RS client with {@code register(new OAuthClientFilter(provider))}, for one call. */
    static String withJaxRsClient(URI base, TokenProvider provider, Function<WebTarget, Response> call) {
        Client client = ClientBuilder.newClient().register(new OAuthClientFilter(provider));
        try {
            return response(() -> call.apply(client.target(base)));
        } finally {
            client.close();
        }
    }

    static String response(Supplier<Response> call) {
        return outcome(() -> {
            try (Response response = call.get()) {
                return "status:" + response.getStatus();
            }
        });
    }

    /** @param call a call that answers an entity (a success) or a {@code status:<n>} of its own */
    static String outcome(Supplier<String> call) {
        try {
            String answer = call.get();
            return answer.startsWith("status:") ? answer : "status:200";
        } catch (WebApplicationException e) {
            return "status:" + e.getResponse().getStatus();
        } catch (ProcessingException e) {
            return refusal(e);
        }
    }

    /** @return {@code refused:<code>} when a {@link TokenException} is behind the failure, else {@code error:...} */
    static String refusal(ProcessingException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof TokenException) {
                return "refused:" + ((TokenException) cause).code();
            }
        }
        return "error:" + e.getClass().getSimpleName() + ":" + e.getMessage();
    }

    static void close(Object restClient) {
        try {
            ((AutoCloseable) restClient).close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
