package dev.oauthfilter.internal.jaxrs;

import dev.oauthfilter.OAuthClient;
import dev.oauthfilter.OAuthClientConfig;

import jakarta.ws.rs.client.ClientRequestContext;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Which client a request belongs to. For a MicroProfile Rest Client call, {@link OAuthClient @OAuthClient} on the
 * invoked method; else on the interface the call was made through, so that a method inherited from a generic
 * interface ({@code interface BillingApi extends CrudApi<Invoice>}) belongs to the annotated sub-interface; else on
 * the method's declaring interface; else on their super-interfaces, nearest first. Otherwise the default client.
 *
 * <p>The MicroProfile Rest Client API names only the invoked {@link Method}, whose declaring class is the interface
 * that declares it, not the one the application called. RESTEasy (Open Liberty, WildFly) tells the latter through its
 * client invoker, read here by reflection on public methods. Jersey (Payara) does not; but it runs a synchronous
 * call's filters on the calling thread, below the frame of the Rest Client proxy the application called: the nearest
 * {@link Proxy} on the stack that implements a sub-interface of the declaring one is that proxy. Only an asynchronous
 * call on Jersey ({@code CompletionStage}), whose filters run on another thread, still gets the client of the
 * interface that declares the method.
 */
final class ClientNames {

    /** The request property in which MicroProfile Rest Client (1.2+) puts the invoked interface method. */
    static final String INVOKED_METHOD = "org.eclipse.microprofile.rest.client.invokedMethod";

    private static final Logger LOG = Logger.getLogger(ClientNames.class.getName());
    private static final StackWalker STACK = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
    // RESTEasy: ClientRequestContextImpl.getInvocation() -> ClientInvocation.getClientInvoker() -> ClientInvoker.getDeclaring()
    private static final ClassValue<Optional<Method>> GET_INVOCATION = publicMethodOf("getInvocation");
    private static final ClassValue<Optional<Method>> GET_CLIENT_INVOKER = publicMethodOf("getClientInvoker");
    private static final ClassValue<Optional<Method>> GET_DECLARING = publicMethodOf("getDeclaring");
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
        Class<?> called = calledInterface(request).filter(declaring::isAssignableFrom)
                .or(() -> callingProxyInterface(declaring)).orElse(declaring);
        return NAMED_TYPES.get(called).orElse(OAuthClientConfig.DEFAULT_NAME);
    }

    /**
     * The interface of the nearest proxy on this thread's stack that implements {@code declaring} (itself or a
     * sub-interface): where the runtime runs the filter on the thread that called the Rest Client proxy (Jersey,
     * synchronous calls). The walk stops there, a few frames down for a method of the interface the call was made
     * through; an outer call's proxy further down is never reached.
     */
    static Optional<Class<?>> callingProxyInterface(Class<?> declaring) {
        return STACK.walk(frames -> frames.map(StackWalker.StackFrame::getDeclaringClass)
                .filter(Proxy::isProxyClass)
                .map(proxy -> Arrays.stream(proxy.getInterfaces()).filter(declaring::isAssignableFrom).findFirst())
                .flatMap(Optional::stream)
                .findFirst());
    }

    /** The Rest Client interface whose proxy made the request, where the runtime tells. */
    static Optional<Class<?>> calledInterface(ClientRequestContext request) {
        try {
            Object invocation = call(GET_INVOCATION, request);
            Object invoker = call(GET_CLIENT_INVOKER, invocation);
            Object declaring = call(GET_DECLARING, invoker);
            return declaring instanceof Class ? Optional.of((Class<?>) declaring) : Optional.empty();
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.FINE, "could not tell which Rest Client interface made the request", e);
            return Optional.empty();
        }
    }

    private static Object call(ClassValue<Optional<Method>> method, Object target) throws ReflectiveOperationException {
        if (target == null) {
            return null;
        }
        Optional<Method> found = method.get(target.getClass());
        return found.isPresent() ? found.get().invoke(target) : null;
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

    private static ClassValue<Optional<Method>> publicMethodOf(String name) {
        return new ClassValue<>() {
            @Override
            protected Optional<Method> computeValue(Class<?> type) {
                return RedirectControl.publicMethod(type, name);
            }
        };
    }
}
