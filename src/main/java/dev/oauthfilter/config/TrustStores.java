package dev.oauthfilter.config;


import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** A TLS context trusting the certificates of a trust store file ({@code tls.trust-store} keys). */
final class TrustStores {

    private TrustStores() {
    }

    static SSLContext sslContext(Settings settings, Path store, String password, String type) {
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore trusted = KeyStore.getInstance(type);
            trusted.load(in, password == null ? null : password.toCharArray());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            // the exception's class says what is wrong (missing file, wrong password, wrong type); its message
            // is left out because some providers quote what they were given
            throw settings.invalid("tls.trust-store", "'" + store + "' cannot be used as a " + type
                    + " trust store (" + e.getClass().getSimpleName() + "); check it and "
                    + settings.key("tls.trust-store-password") + " / " + settings.key("tls.trust-store-type"));
        }
    }

}
