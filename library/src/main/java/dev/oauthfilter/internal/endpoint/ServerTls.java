package dev.oauthfilter.internal.endpoint;

import java.security.GeneralSecurityException;
import java.util.Optional;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;

/**
 * The TLS configuration of the server the library runs in, for token requests that have no TLS context of their own:
 * on Open Liberty, its SSL configurations ({@code <ssl>} with {@code <outboundConnection>},
 * {@code <sslDefault outboundSSLRef>}, or one named by id); elsewhere none, and token requests use the JVM's default
 * context.
 *
 * <pre>{@code
 * ServerTls server = ServerTls.detect();
 * Optional<SSLContext> context = server.forEveryHost();   // empty off Liberty: the JVM default
 * SSLContext named = server.named("tokenEndpointSSL");     // <ssl id="tokenEndpointSSL">
 * }</pre>
 */
public final class ServerTls {

    private static final Logger LOG = Logger.getLogger(ServerTls.class.getName());

    /** The SSL configurations of a server. */
    public interface Configurations {

        /** @return the server's name for messages, e.g. {@code Open Liberty} */
        String server();

        /**
         * @param id an SSL configuration's id
         * @return whether the server has it
         */
        boolean exists(String id);

        /**
         * @param id   an SSL configuration's id, or null for the one the server chooses for {@code host:port}
         * @param host the host connected to, or null when not known
         * @param port its port, or -1
         * @return the context of that configuration; empty when the server has none to offer
         * @throws GeneralSecurityException when the configuration cannot give a context
         */
        Optional<SSLContext> context(String id, String host, int port) throws GeneralSecurityException;
    }

    private final Configurations configurations;
    private final SSLContext everyHost;

    /** @param configurations the server's SSL configurations; null for a server without any (the JVM default) */
    public ServerTls(Configurations configurations) {
        this.configurations = configurations;
        this.everyHost = configurations == null ? null : new ServerSslContext(configurations, null);
    }

    /**
     * @return the TLS configuration of the server the library runs in: Open Liberty's when its
     *         {@code com.ibm.websphere.ssl} API is visible to the library (features {@code transportSecurity-1.0} or
     *         {@code ssl-1.0}, and {@code ibm-api} in the application's {@code apiTypeVisibility}, the default), else none
     */
    public static ServerTls detect() {
        Configurations liberty = LibertySsl.find(ServerTls.class.getClassLoader()).orElse(null);
        if (liberty != null) {
            LOG.fine("token requests without a TLS context of their own use Open Liberty's outbound SSL configuration");
        }
        return new ServerTls(liberty);
    }

    /**
     * @return the context for token requests without a TLS context of their own: one that takes, for each connection,
     *         the server's outbound SSL configuration for its host and port (the JVM default where the server chooses
     *         none for outbound); empty without a server configuration
     */
    public Optional<SSLContext> forEveryHost() {
        return Optional.ofNullable(everyHost);
    }

    /**
     * @param id the id of one of the server's SSL configurations
     * @return a context that takes that configuration for every connection, as the server defines it at the time
     * @throws IllegalArgumentException with a message for the user when the server has no SSL configurations or
     *                                  none of that id
     */
    public SSLContext named(String id) {
        if (configurations == null) {
            throw new IllegalArgumentException("names an SSL configuration of the server, but the server offers none to"
                    + " the application: on Open Liberty, enable transportSecurity-1.0 and keep ibm-api in the"
                    + " application's apiTypeVisibility; elsewhere, use the trust-store and key-store settings");
        }
        if (!configurations.exists(id)) {
            throw new IllegalArgumentException("names '" + ServerText.clean(id) + "', but " + configurations.server()
                    + " has no SSL configuration of that id (an <ssl id=\"...\"> element)");
        }
        return new ServerSslContext(configurations, id);
    }
}
