package dev.oauthfilter.internal.jaxrs;

import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientRequestContext;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps the JAX-RS client's connector from following redirects by itself, so that the filter can follow them and
 * decide at each hop whether the token goes along, and tells whether the application wanted them followed.
 *
 * <p>Where the implementation decides per request (Jersey), the request is told not to follow. Where its HTTP engine
 * decides for the whole client (RESTEasy: {@link JaxrsRuntime}), the engine's redirect following is switched off on
 * the client's first request, and what the application had chosen is kept as a client property, read by every later
 * request of that client.
 */
final class RedirectControl {

    private static final String ENGINE_FOLLOWED = "dev.oauthfilter.engineFollowedRedirects";
    private static final Logger LOG = Logger.getLogger(RedirectControl.class.getName());

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
        if (JaxrsRuntime.enginesFollowRedirects(client)) {
            Object followed = client.getConfiguration().getProperty(ENGINE_FOLLOWED);
            if (followed == null) {
                followed = takeOverEngine(client);
            }
            if (followed instanceof Boolean) {
                return (Boolean) followed;
            }
        }
        if (!JaxrsRuntime.requestFollowsRedirects(request)) {
            return false;
        }
        JaxrsRuntime.connectorFollowsNoRedirects(request);
        return true;
    }

    /** @return whether the engine followed redirects, or null when it could not be reached */
    private static Object takeOverEngine(Client client) {
        try {
            JaxrsRuntime.EngineSwitch engine = JaxrsRuntime.engineSwitch(client);
            if (!engine.reachable()) {
                // an engine whose redirect handling cannot be reached: the filter does not follow redirects (it
                // cannot know whether the engine does), and says so once per client
                LOG.warning(() -> "the client's HTTP engine (" + engine
                        + ") does not let its redirect handling be switched off: if it follows redirects, they carry"
                        + " the token to wherever they lead; use RESTEasy's default engine or turn redirects off");
                client.property(ENGINE_FOLLOWED, Boolean.FALSE);
                return Boolean.FALSE;
            }
            synchronized (engine.engine()) {
                Object recorded = client.getConfiguration().getProperty(ENGINE_FOLLOWED);
                if (recorded != null) {
                    return recorded;
                }
                Boolean followed = engine.follows();
                engine.switchOff();
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
}
