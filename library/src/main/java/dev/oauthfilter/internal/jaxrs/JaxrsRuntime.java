package dev.oauthfilter.internal.jaxrs;

import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.client.ClientRequestContext;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What differs between the JAX-RS client implementations the filter runs on, in one place (as OkHttp's
 * {@code Platform}): Jersey (Payara, the unit tests) and RESTEasy (Open Liberty, WildFly). {@link RedirectControl},
 * {@link RequestResender} and {@link ClientNames} keep their own logic and ask here. Which implementation is at hand is
 * learnt from the client or request itself, by reflection on public methods, never from the class path: one JVM may
 * hold both, and nothing here may depend on either.
 *
 * <ul>
 * <li><b>Redirects.</b> Jersey reads {@code jersey.config.client.followRedirects} per request. RESTEasy decides per
 * client, in its HTTP engine ({@code httpEngine()}, {@code isFollowRedirects()}, {@code setFollowRedirects(boolean)}),
 * whose Apache HttpClient would follow a redirect to any origin with every header.</li>
 * <li><b>Sending again.</b> A new client from {@link ClientBuilder} is of the implementation the application runs on.
 * Each implementation (and Liberty) keeps connection settings as properties under its own prefix; its own providers
 * are registered by itself and must not be registered again.</li>
 * <li><b>The interface a Rest Client call was made through.</b> RESTEasy tells it through its client invoker. Jersey
 * does not, but runs a synchronous call's filters on the calling thread, below the frame of the proxy the application
 * called.</li>
 * </ul>
 */
final class JaxrsRuntime {

    /** Jersey's {@code ClientProperties.FOLLOW_REDIRECTS}, named here so that nothing depends on Jersey. */
    static final String JERSEY_FOLLOW_REDIRECTS = "jersey.config.client.followRedirects";

    private static final Logger LOG = Logger.getLogger(JaxrsRuntime.class.getName());
    // connection settings that the implementations keep as properties (Jersey's, Liberty's, RESTEasy's)
    private static final List<String> CONNECTION_PROPERTIES = List.of("jersey.config.client.",
            "com.ibm.ws.jaxrs.client.", "resteasy.", "dev.resteasy.client.");
    private static final List<String> RUNTIME_PACKAGES = List.of("org.jboss.resteasy.", "org.glassfish.jersey.",
            "io.openliberty.", "com.ibm.ws.");
    private static final ClassValue<Optional<Method>> HTTP_ENGINE = publicMethodOf("httpEngine");
    // RESTEasy: ClientRequestContextImpl.getInvocation() -> ClientInvocation.getClientInvoker() -> ClientInvoker.getDeclaring()
    private static final ClassValue<Optional<Method>> GET_INVOCATION = publicMethodOf("getInvocation");
    private static final ClassValue<Optional<Method>> GET_CLIENT_INVOKER = publicMethodOf("getClientInvoker");
    private static final ClassValue<Optional<Method>> GET_DECLARING = publicMethodOf("getDeclaring");
    private static final StackWalker STACK = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    private JaxrsRuntime() {
    }

    // ---- redirects

    /** @return whether the client's HTTP engine decides redirects for the whole client (RESTEasy) */
    static boolean enginesFollowRedirects(Client client) {
        return client != null && HTTP_ENGINE.get(client.getClass()).isPresent();
    }

    /**
     * The redirect switch of a client for which {@link #enginesFollowRedirects} is true.
     *
     * @throws ReflectiveOperationException when its engine could not be reached
     */
    static EngineSwitch engineSwitch(Client client) throws ReflectiveOperationException {
        Object engine = HTTP_ENGINE.get(client.getClass()).orElseThrow().invoke(client);
        return new EngineSwitch(engine,
                engine == null ? null : publicMethod(engine.getClass(), "isFollowRedirects").orElse(null),
                engine == null ? null : publicMethod(engine.getClass(), "setFollowRedirects", boolean.class)
                        .orElse(null));
    }

    /** A RESTEasy HTTP engine's redirect handling, as far as it can be reached. */
    static final class EngineSwitch {
        private final Object engine;
        private final Method isFollowing;
        private final Method setFollowing;

        private EngineSwitch(Object engine, Method isFollowing, Method setFollowing) {
            this.engine = engine;
            this.isFollowing = isFollowing;
            this.setFollowing = setFollowing;
        }

        /** @return whether it can be read and switched off */
        boolean reachable() {
            return isFollowing != null && setFollowing != null;
        }

        /** @return the engine, whose monitor guards its switch */
        Object engine() {
            return engine;
        }

        /** @return whether the engine follows redirects */
        boolean follows() throws ReflectiveOperationException {
            return Boolean.TRUE.equals(isFollowing.invoke(engine));
        }

        void switchOff() throws ReflectiveOperationException {
            setFollowing.invoke(engine, Boolean.FALSE);
        }

        @Override
        public String toString() {
            return engine == null ? "none" : engine.getClass().getName();
        }
    }

    /** @return whether the application wants this request's redirects followed, as Jersey resolves it */
    static boolean requestFollowsRedirects(ClientRequestContext request) {
        // the request's property, else the configuration's, else true
        Object onRequest = request.getProperty(JERSEY_FOLLOW_REDIRECTS);
        Object chosen = onRequest != null ? onRequest : request.getConfiguration().getProperty(JERSEY_FOLLOW_REDIRECTS);
        return !(Boolean.FALSE.equals(chosen) || "false".equals(chosen));
    }

    /** Keeps Jersey's connector from following this request's redirects. */
    static void connectorFollowsNoRedirects(ClientRequestContext request) {
        request.setProperty(JERSEY_FOLLOW_REDIRECTS, Boolean.FALSE);
    }

    /** Keeps a new client from following redirects: Jersey's would unless told; RESTEasy's do not unless asked. */
    static void connectorFollowsNoRedirects(ClientBuilder builder) {
        builder.property(JERSEY_FOLLOW_REDIRECTS, Boolean.FALSE);
    }

    // ---- sending again

    /** @return whether a client property is a connection setting of an implementation (copied to a new client) */
    static boolean isConnectionProperty(String name) {
        return CONNECTION_PROPERTIES.stream().anyMatch(name::startsWith);
    }

    /** @return whether a provider is the implementation's own (registered by any new client it builds) */
    static boolean isRuntimeProvider(Class<?> type) {
        return RUNTIME_PACKAGES.stream().anyMatch(type.getName()::startsWith);
    }

    // ---- the interface a Rest Client call was made through

    /**
     * The interface, {@code declaring} or a sub-interface, through which the application called the Rest Client: as
     * RESTEasy tells it, else the interface of the nearest proxy on this thread's stack that implements
     * {@code declaring} (Jersey, synchronous calls). The walk stops there, a few frames down for a method of the
     * interface the call was made through; an outer call's proxy further down is never reached.
     */
    static Optional<Class<?>> calledInterface(ClientRequestContext request, Class<?> declaring) {
        return toldInterface(request).filter(declaring::isAssignableFrom)
                .or(() -> STACK.walk(frames -> frames.map(StackWalker.StackFrame::getDeclaringClass)
                        .filter(Proxy::isProxyClass)
                        .map(proxy -> Arrays.stream(proxy.getInterfaces()).filter(declaring::isAssignableFrom)
                                .findFirst())
                        .flatMap(Optional::stream)
                        .findFirst()));
    }

    private static Optional<Class<?>> toldInterface(ClientRequestContext request) {
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

    // ---- reflection on public methods only

    private static ClassValue<Optional<Method>> publicMethodOf(String name) {
        return new ClassValue<>() {
            @Override
            protected Optional<Method> computeValue(Class<?> type) {
                return publicMethod(type, name);
            }
        };
    }

    /** A public method callable from here: found on a public class or interface that the type extends. */
    static Optional<Method> publicMethod(Class<?> type, String name, Class<?>... parameters) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            Optional<Method> found = declaredPublic(c, name, parameters);
            if (found.isPresent()) {
                return found;
            }
            for (Class<?> api : c.getInterfaces()) {
                found = declaredPublic(api, name, parameters);
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<Method> declaredPublic(Class<?> type, String name, Class<?>... parameters) {
        if (!Modifier.isPublic(type.getModifiers())) {
            return Optional.empty();
        }
        try {
            Method method = type.getMethod(name, parameters);
            return Modifier.isPublic(method.getDeclaringClass().getModifiers()) ? Optional.of(method) : Optional.empty();
        } catch (NoSuchMethodException e) {
            return Optional.empty();
        }
    }
}
