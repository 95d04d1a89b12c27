package dev.oauthfilter.internal.jaxrs;

import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientRequestContext;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps the JAX-RS client's connector from following redirects by itself, so that the filter can follow them and
 * decide at each hop whether the token goes along, and tells whether the application wanted them followed.
 *
 * <p>Jersey (Payara, the unit tests) reads {@code jersey.config.client.followRedirects} per request: it is set to
 * {@code false} on each request. RESTEasy (Open Liberty, WildFly) decides per client, in its HTTP engine
 * ({@code followRedirects(true)} of a MicroProfile Rest Client or {@code ResteasyClientBuilder}): Apache HttpClient
 * would then follow a redirect to any origin with every request header, the token included. So on the first
 * request of a RESTEasy client the engine's redirect following is switched off, and what the application had chosen
 * is kept as a client property, read by every later request of that client.
 */
final class RedirectControl {

    /** Jersey's {@code ClientProperties.FOLLOW_REDIRECTS}, named here so that nothing depends on Jersey. */
    static final String JERSEY_FOLLOW_REDIRECTS = "jersey.config.client.followRedirects";

    private static final String ENGINE_FOLLOWED = "dev.oauthfilter.engineFollowedRedirects";
    private static final Logger LOG = Logger.getLogger(RedirectControl.class.getName());
    private static final ClassValue<Optional<Method>> HTTP_ENGINE = new ClassValue<>() {
        @Override
        protected Optional<Method> computeValue(Class<?> type) {
            return publicMethod(type, "httpEngine");
        }
    };

    private RedirectControl() {
    }

    /**
     * Makes sure the connector will not follow a redirect of this request.
     *
     * @param request a request about to be sent
     * @return whether the application asked for redirects to be followed (which the filter then does)
     */
    static boolean takeOver(ClientRequestContext request) {
        Client client = request.getClient();
        Optional<Method> httpEngine = client == null ? Optional.empty() : HTTP_ENGINE.get(client.getClass());
        if (httpEngine.isPresent()) {
            Object followed = client.getConfiguration().getProperty(ENGINE_FOLLOWED);
            if (followed == null) {
                followed = takeOverEngine(client, httpEngine.get());
            }
            if (followed instanceof Boolean) {
                return (Boolean) followed;
            }
        }
        // as Jersey resolves it: the request's property, else the configuration's, else true
        Object onRequest = request.getProperty(JERSEY_FOLLOW_REDIRECTS);
        Object chosen = onRequest != null ? onRequest : request.getConfiguration().getProperty(JERSEY_FOLLOW_REDIRECTS);
        if (isFalse(chosen)) {
            return false;
        }
        request.setProperty(JERSEY_FOLLOW_REDIRECTS, Boolean.FALSE);
        return true;
    }

    private static Object takeOverEngine(Client client, Method httpEngine) {
        try {
            Object engine = httpEngine.invoke(client);
            Optional<Method> isFollowing = engine == null ? Optional.empty()
                    : publicMethod(engine.getClass(), "isFollowRedirects");
            Optional<Method> setFollowing = engine == null ? Optional.empty()
                    : publicMethod(engine.getClass(), "setFollowRedirects", boolean.class);
            if (isFollowing.isEmpty() || setFollowing.isEmpty()) {
                // an engine whose redirect handling cannot be reached: the filter does not follow redirects (it
                // cannot know whether the engine does), and says so once per client
                LOG.warning(() -> "the client's HTTP engine (" + (engine == null ? "none" : engine.getClass().getName())
                        + ") does not let its redirect handling be switched off: if it follows redirects, they carry"
                        + " the token to wherever they lead; use RESTEasy's default engine or turn redirects off");
                client.property(ENGINE_FOLLOWED, Boolean.FALSE);
                return Boolean.FALSE;
            }
            synchronized (engine) {
                Object recorded = client.getConfiguration().getProperty(ENGINE_FOLLOWED);
                if (recorded != null) {
                    return recorded;
                }
                Boolean followed = Boolean.TRUE.equals(isFollowing.get().invoke(engine));
                setFollowing.get().invoke(engine, Boolean.FALSE);
                client.property(ENGINE_FOLLOWED, followed);
                LOG.fine(() -> "took over redirect handling from the client's HTTP engine (it "
                        + (followed ? "followed" : "did not follow") + " redirects)");
                return followed;
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.FINE, "could not reach the client's HTTP engine; relying on the request property", e);
            return null;
        }
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

    private static boolean isFalse(Object value) {
        return Boolean.FALSE.equals(value) || "false".equals(value);
    }
}
