package dev.oauthfilter.internal.endpoint;

import java.security.GeneralSecurityException;
import java.security.KeyManagementException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A TLS context that asks the server, for each connection, for the context of one of its SSL configurations (a named
 * one, or the one it chooses for the connection's host and port) and makes the connection's engine from it. The JDK
 * HTTP client makes one engine per connection ({@code createSSLEngine(host, port)}), so one HTTP client follows the
 * server's outbound configuration for every host, and a change of that configuration from the next connection on.
 * Equal to another for the same configurations and id, so that token sources and HTTP clients can be shared.
 */
final class ServerSslContext extends SSLContext {

    private static final Logger LOG = Logger.getLogger(ServerSslContext.class.getName());

    private final ServerTls.Configurations configurations;
    private final String id;

    ServerSslContext(ServerTls.Configurations configurations, String id) {
        super(new Spi(configurations, id), null, "TLS");
        this.configurations = configurations;
        this.id = id;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ServerSslContext
                && ((ServerSslContext) other).configurations.equals(configurations)
                && Objects.equals(((ServerSslContext) other).id, id);
    }

    @Override
    public int hashCode() {
        return Objects.hash(configurations, id);
    }

    @Override
    public String toString() {
        return configurations.server() + (id == null ? " outbound SSL configuration"
                : " SSL configuration '" + ServerText.clean(id) + "'");
    }

    private static final class Spi extends SSLContextSpi {
        private final ServerTls.Configurations configurations;
        private final String id;

        Spi(ServerTls.Configurations configurations, String id) {
            this.configurations = configurations;
            this.id = id;
        }

        /** The server's context for the connection; the JVM's default where the server has none. */
        private SSLContext select(String host, int port) {
            try {
                return configurations.context(id, host, port).orElse(SSLContext.getDefault());
            } catch (GeneralSecurityException | RuntimeException e) {
                String which = id == null ? "outbound SSL configuration" : "SSL configuration '"
                        + ServerText.clean(id) + "'";
                LOG.log(Level.WARNING, configurations.server() + " gave no TLS context from its " + which
                        + (host == null ? "" : " for " + ServerText.clean(host) + ":" + port) + " ("
                        + e.getClass().getName() + "): the token request fails its handshake");
                LOG.log(Level.FINE, "the cause", e);
                return refusing(configurations.server() + " gave no TLS context from its " + which);
            }
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            return select(host, port).createSSLEngine(host, port);
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            return select(null, -1).createSSLEngine();
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return select(null, -1).getSocketFactory();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return select(null, -1).getServerSocketFactory();
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return select(null, -1).getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return select(null, -1).getClientSessionContext();
        }

        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            return select(null, -1).getDefaultSSLParameters();
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            return select(null, -1).getSupportedSSLParameters();
        }

        @Override
        protected void engineInit(KeyManager[] keys, TrustManager[] trust, SecureRandom random) {
            // the server's configurations are initialised by the server
        }
    }

    /**
     * A context whose handshakes fail, saying why: a token request that the server's configuration cannot serve must
     * fail as a TLS failure of the token endpoint, never fall back to another trust.
     */
    private static SSLContext refusing(String why) {
        X509TrustManager refuse = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                throw new CertificateException(why);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                throw new CertificateException(why);
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {refuse}, null);
            return context;
        } catch (NoSuchAlgorithmException | KeyManagementException e) {
            throw new IllegalStateException("the JVM has no TLS", e);
        }
    }
}
