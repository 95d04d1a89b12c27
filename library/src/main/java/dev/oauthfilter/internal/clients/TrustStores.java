package dev.oauthfilter.internal.clients;


import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Collections;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS context for a token endpoint: trusting the certificates of a trust store file ({@code tls.trust-store}
 * keys; else the JVM's default trust), and presenting the client's certificate from a key store
 * ({@code tls.key-store} keys: mutual TLS, RFC 8705).
 */
final class TrustStores {

    private TrustStores() {
    }

    /**
     * @param trustStore the trust store, or null for the JVM's default trust
     * @param keyStore   the client's key store (one key with its certificate chain), or null for none
     */
    static SSLContext sslContext(Settings settings, Path trustStore, String trustPassword, String trustType,
                                 Path keyStore, String keyPassword, String keyType) {
        TrustManager[] trust = trustStore == null ? null : trustManagers(settings, trustStore, trustPassword, trustType);
        KeyManager[] keys = keyStore == null ? null : keyManagers(settings, keyStore, keyPassword, keyType);
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, trust, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw settings.invalid("tls.trust-store", "no TLS context (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static TrustManager[] trustManagers(Settings settings, Path store, String password, String type) {
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore trusted = KeyStore.getInstance(type);
            trusted.load(in, password == null ? null : password.toCharArray());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            return trust.getTrustManagers();
        } catch (IOException | GeneralSecurityException e) {
            // the exception's class says what is wrong (missing file, wrong password, wrong type); its message
            // is left out because some providers quote what they were given
            throw settings.invalid("tls.trust-store", "'" + store + "' cannot be used as a " + type
                    + " trust store (" + e.getClass().getSimpleName() + "); check it and "
                    + settings.key("tls.trust-store-password") + " / " + settings.key("tls.trust-store-type"));
        }
    }

    /**
     * @return the certificate of the key store's (first) key entry: the one the TLS context presents
     */
    static X509Certificate clientCertificate(Settings settings, Path store, String password, String type) {
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore keys = KeyStore.getInstance(type);
            keys.load(in, password == null ? null : password.toCharArray());
            for (String alias : Collections.list(keys.aliases())) {
                if (keys.isKeyEntry(alias) && keys.getCertificate(alias) instanceof X509Certificate) {
                    return (X509Certificate) keys.getCertificate(alias);
                }
            }
        } catch (IOException | GeneralSecurityException e) {
            // as below: the key managers' read of the same store names the problem
        }
        throw settings.invalid("tls.key-store", "'" + store + "' holds no key with an X.509 certificate");
    }

    private static KeyManager[] keyManagers(Settings settings, Path store, String password, String type) {
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore keys = KeyStore.getInstance(type);
            char[] secret = password == null ? null : password.toCharArray();
            keys.load(in, secret);
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(keys, secret);
            return factory.getKeyManagers();
        } catch (IOException | GeneralSecurityException e) {
            throw settings.invalid("tls.key-store", "'" + store + "' cannot be used as a " + type
                    + " key store (" + e.getClass().getSimpleName() + "); check it and "
                    + settings.key("tls.key-store-password") + " / " + settings.key("tls.key-store-type"));
        }
    }
}
