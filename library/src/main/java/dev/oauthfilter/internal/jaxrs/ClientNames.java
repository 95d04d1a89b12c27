package dev.oauthfilter.internal.jaxrs;

import dev.oauthfilter.OAuthClient;
import dev.oauthfilter.OAuthClientConfig;

import jakarta.ws.rs.client.ClientRequestContext;

import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Which client a request belongs to. For a MicroProfile Rest Client call, {@link OAuthClient @OAuthClient} on the
 * invoked method; else on the interface the call was made through, so that a method inherited from a generic
 * interface ({@code interface BillingApi extends CrudApi<Invoice>}) belongs to the annotated sub-interface; else on
 * the method's declaring interface; else on their super-interfaces, nearest first. Otherwise the default client.
 *
 * <p>The MicroProfile Rest Client API names only the invoked {@link Method}, whose declaring class is the interface
 * that declares it, not the one the application called. How the latter is found differs by implementation
 * ({@link JaxrsRuntime#calledInterface}): RESTEasy (Open Liberty, WildFly) tells it; on Jersey (Payara) it is the
 * nearest Rest Client proxy on the calling thread's stack. Only an asynchronous call on Jersey
 * ({@code CompletionStage}), whose filters run on another thread, still gets the client of the interface that declares
 * the method.
 */
final class ClientNames {

    /** The request property in which MicroProfile Rest Client (1.2+) puts the invoked interface method. */
    static final String INVOKED_METHOD = "org.eclipse.microprofile.rest.client.invokedMethod";

    // the name on a type or on its nearest annotated super-interface; empty when none is annotated
    private static final ClassValue<Optional<String>> NAMED_TYPES = new ClassValue<>() {
        @Override
        protected Optional<String> computeValue(Class<?> type) {
            return nearestName(type);
        }
    };

    private ClientNames() {
    }

    /** @return the name of the client that {@code request} belongs to */
    static String of(ClientRequestContext request) {
        Object invoked = request.getProperty(ClientNames.INVOKED_METHOD);
        if (!(invoked instanceof Method)) {
            return OAuthClientConfig.DEFAULT_NAME;
        }
        Method method = (Method) invoked;
        OAuthClient onMethod = method.getAnnotation(OAuthClient.class);
        if (onMethod != null) {
            return onMethod.value();
        }
        Class<?> declaring = method.getDeclaringClass();
        Class<?> called = JaxrsRuntime.calledInterface(request, declaring).orElse(declaring);
        return NAMED_TYPES.get(called).orElse(OAuthClientConfig.DEFAULT_NAME);
    }

    private static Optional<String> nearestName(Class<?> type) {
        Deque<Class<?>> next = new ArrayDeque<>();
        Set<Class<?>> seen = new HashSet<>();
        next.add(type);
        while (!next.isEmpty()) {
            Class<?> candidate = next.removeFirst();
            if (!seen.add(candidate)) {
                continue;
            }
            OAuthClient named = candidate.getAnnotation(OAuthClient.class);
            if (named != null) {
                return Optional.of(named.value());
            }
            next.addAll(Arrays.asList(candidate.getInterfaces()));
        }
        return Optional.empty();
    }
}
