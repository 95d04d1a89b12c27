package dev.oauthfilter.internal.endpoint;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.security.GeneralSecurityException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;

/**
 * Open Liberty's SSL configurations, through its public API {@code com.ibm.websphere.ssl.JSSEHelper} (type
 * {@code ibm-api}, from the {@code ssl-1.0} feature that {@code transportSecurity-1.0} includes), called reflectively
 * so that the library loads on any server. For a connection without an id it asks as Liberty's own JAX-RS client does
 * without {@code com.ibm.ws.jaxrs.client.ssl.config}: outbound, with the remote host and port, so that an
 * {@code <ssl>} whose {@code <outboundConnection>} names them applies, else {@code <sslDefault outboundSSLRef>}; but
 * where Liberty's choice is its {@code defaultSSLConfig}, the JVM's default context stays (named, it is taken).
 */
final class LibertySsl implements ServerTls.Configurations {

    private static final Logger LOG = Logger.getLogger(LibertySsl.class.getName());
    private static final String HELPER = "com.ibm.websphere.ssl.JSSEHelper";
    // the values of com.ibm.websphere.ssl.Constants, fixed by the API
    private static final String DIRECTION = "com.ibm.ssl.direction";
    private static final String OUTBOUND = "outbound";
    private static final String REMOTE_HOST = "com.ibm.ssl.remoteHost";
    private static final String REMOTE_PORT = "com.ibm.ssl.remotePort";
    private static final String ALIAS = "com.ibm.ssl.alias";
    /**
     * The configuration Liberty builds around {@code defaultKeyStore}, for its HTTPS port first: it trusts that key
     * store alone (not the JDK's CAs, unless {@code trustDefaultCerts}), so taking it unasked would turn a token
     * endpoint with a public CA's certificate, trusted by the JVM's default until now, away.
     */
    private static final String DEFAULT_SSL_CONFIG = "defaultSSLConfig";

    private final Object helper;
    private final Method exists;
    private final Method properties;
    private final Method context;

    private LibertySsl(Object helper, Method exists, Method properties, Method context) {
        this.helper = helper;
        this.exists = exists;
        this.properties = properties;
        this.context = context;
    }

    /** @return Liberty's configurations when its API is visible to {@code loader}; empty elsewhere */
    static Optional<ServerTls.Configurations> find(ClassLoader loader) {
        try {
            Class<?> helperClass = Class.forName(HELPER, true, loader);
            Class<?> listener = Class.forName("com.ibm.websphere.ssl.SSLConfigChangeListener", false, loader);
            return Optional.of(new LibertySsl(helperClass.getMethod("getInstance").invoke(null),
                    helperClass.getMethod("doesSSLConfigExist", String.class),
                    helperClass.getMethod("getProperties", String.class, Map.class, listener, boolean.class),
                    helperClass.getMethod("getSSLContext", Map.class, Properties.class)));
        } catch (ClassNotFoundException | LinkageError notLiberty) {
            return Optional.empty();
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.WARNING, "Open Liberty's SSL API is visible but could not be used (" + e.getClass().getName()
                    + "): token requests without TLS settings of their own use the JVM's default TLS context");
            LOG.log(Level.FINE, "the cause", e);
            return Optional.empty();
        }
    }

    /**
     * @return whether {@code alias} is the configuration Liberty uses when nothing outbound is configured: the one
     *         {@code <sslDefault sslRef>} names, else {@code defaultSSLConfig}. An {@code outboundSSLRef} that names
     *         that same configuration cannot be told apart from none: name it with {@code tls.ssl-ref}.
     */
    private boolean isInboundDefault(String alias) throws ReflectiveOperationException {
        if (alias == null || DEFAULT_SSL_CONFIG.equals(alias)) {
            return true;
        }
        Map<String, Object> inbound = new HashMap<>();
        inbound.put(DIRECTION, "inbound");
        Properties serverDefault = (Properties) properties.invoke(helper, null, inbound, null, true);
        return serverDefault != null && alias.equals(serverDefault.getProperty(ALIAS));
    }

    @Override
    public String server() {
        return "Open Liberty";
    }

    @Override
    public boolean exists(String id) {
        try {
            return (Boolean) exists.invoke(helper, id);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.FINE, "doesSSLConfigExist failed", e);
            return false;
        }
    }

    @Override
    public Optional<SSLContext> context(String id, String host, int port) throws GeneralSecurityException {
        Map<String, Object> connection = new HashMap<>();
        connection.put(DIRECTION, OUTBOUND);
        if (host != null) {
            connection.put(REMOTE_HOST, host);
            connection.put(REMOTE_PORT, Integer.toString(port));
        }
        // Liberty goes on to its outbound choice when a named configuration is missing: never in its place
        if (id != null && !exists(id)) {
            throw new GeneralSecurityException("no SSL configuration '" + ServerText.clean(id) + "'");
        }
        try {
            Properties chosen = (Properties) properties.invoke(helper, id, connection, null, false);
            if (chosen == null && id != null) {
                throw new GeneralSecurityException("no SSL configuration '" + ServerText.clean(id) + "'");
            }
            if (chosen == null) {
                // no <outboundConnection> for the host: <sslDefault outboundSSLRef>, else the server's default (its
                // <sslDefault sslRef>, else defaultSSLConfig), which is its inbound configuration and not taken unasked
                chosen = (Properties) properties.invoke(helper, null, connection, null, true);
                if (chosen == null || isInboundDefault(chosen.getProperty(ALIAS))) {
                    return Optional.empty();
                }
            }
            return Optional.of((SSLContext) context.invoke(helper, connection, chosen));
        } catch (InvocationTargetException e) {
            throw new GeneralSecurityException("JSSEHelper failed (" + e.getCause().getClass().getName() + ")",
                    e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new GeneralSecurityException("JSSEHelper could not be called (" + e.getClass().getName() + ")", e);
        }
    }

    /** All instances call the same server's API. */
    @Override
    public boolean equals(Object other) {
        return other instanceof LibertySsl && ((LibertySsl) other).helper == helper;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(helper);
    }
}
