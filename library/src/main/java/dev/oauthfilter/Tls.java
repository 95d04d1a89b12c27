package dev.oauthfilter;

import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * How a client reaches its token endpoint over TLS, the TLS part of its {@link OAuthClientConfig}: the context that
 * decides whom to trust and which certificate to present (mutual TLS), and that certificate when known. Immutable.
 *
 * <pre>{@code
 * SSLContext context = config.tls().context().orElse(SSLContext.getDefault());
 * }</pre>
 */
public final class Tls {

    private final SSLContext context;
    private final X509Certificate clientCertificate;

    private Tls(SSLContext context, X509Certificate clientCertificate) {
        this.context = context;
        this.clientCertificate = clientCertificate;
    }

    /**
     * @return the TLS context for the token endpoint; empty for the server's: on Open Liberty with
     *         {@code transportSecurity-1.0}, its outbound SSL configuration for the token endpoint's host and port
     *         (an {@code <ssl>} with an {@code <outboundConnection>} for them, else
     *         {@code <sslDefault outboundSSLRef>}), otherwise the JVM default ({@code SSLContext.getDefault()})
     */
    public Optional<SSLContext> context() {
        return Optional.ofNullable(context);
    }

    /**
     * @return the certificate that {@link #context()} presents to the token endpoint (mutual TLS), when known: a
     *         server may bind tokens to it ({@code cnf.x5t#S256}), so a fleet shares tokens only among replicas that
     *         present the same one
     */
    public Optional<X509Certificate> clientCertificate() {
        return Optional.ofNullable(clientCertificate);
    }

    @Override
    public String toString() {
        return "Tls[" + (context == null ? "server or JVM default" : "own context")
                + (clientCertificate == null ? "" : ", clientCertificate="
                + clientCertificate.getSubjectX500Principal().getName()) + "]";
    }

    /** The TLS settings of a builder. */
    static final class Draft {
        SSLContext context;
        X509Certificate clientCertificate;

        Tls build() {
            return new Tls(context, clientCertificate);
        }
    }
}
