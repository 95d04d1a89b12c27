package dev.oauthfilter;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * The client's private key (and certificate), for {@link ClientAuthMethod#PRIVATE_KEY_JWT} and
 * {@link ClientAuthMethod#MCA_CERTIFICATE}. Like {@link Secret}, it never shows its key in {@code toString()}.
 *
 * <pre>{@code
 * ClientKey key = ClientKey.fromPem(Path.of("client-key.pem"), Path.of("client-cert.pem")).withKeyId("2026-11");
 * ClientKey fromStore = ClientKey.fromKeyStore(Path.of("client.p12"), Secret.of(password), "client", "PKCS12");
 * }</pre>
 */
public final class ClientKey {

    private final PrivateKey privateKey;
    private final List<X509Certificate> chain;
    private final String keyId;

    private ClientKey(PrivateKey privateKey, List<X509Certificate> chain, String keyId) {
        this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
        this.chain = List.copyOf(chain);
        this.keyId = keyId;
        if (!(privateKey instanceof RSAPrivateKey) && !(privateKey instanceof ECPrivateKey)) {
            throw invalid("only RSA and EC private keys can sign client assertions, not " + privateKey.getAlgorithm());
        }
    }

    /**
     * @param privateKey an RSA or EC private key
     * @param chain      its certificate first, then the chain (may be empty)
     * @return the key
     */
    public static ClientKey of(PrivateKey privateKey, List<X509Certificate> chain) {
        return new ClientKey(privateKey, chain, null);
    }

    /**
     * Reads an unencrypted PKCS#8 PEM private key ({@code -----BEGIN PRIVATE KEY-----}) and, optionally, a PEM
     * certificate (chain).
     *
     * @param privateKeyPem  the key file
     * @param certificatePem the certificate file, or null
     * @return the key
     * @throws TokenException with {@link ErrorCode#INVALID_SETTING} when a file cannot be used
     */
    public static ClientKey fromPem(Path privateKeyPem, Path certificatePem) {
        String pem;
        try {
            pem = Files.readString(privateKeyPem, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw invalid("cannot read the private key file " + privateKeyPem + " (" + e.getClass().getSimpleName() + ")");
        }
        if (pem.contains("BEGIN RSA PRIVATE KEY") || pem.contains("BEGIN EC PRIVATE KEY")
                || pem.contains("BEGIN ENCRYPTED PRIVATE KEY")) {
            throw invalid(privateKeyPem + " is not an unencrypted PKCS#8 key; convert it with "
                    + "`openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem`");
        }
        int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw invalid(privateKeyPem + " holds no -----BEGIN PRIVATE KEY----- block");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(pem.substring(begin + 27, end));
        } catch (IllegalArgumentException e) {
            throw invalid(privateKeyPem + " is not valid PEM");
        }
        PrivateKey key = null;
        for (String algorithm : new String[] {"RSA", "EC"}) {
            try {
                key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
                break;
            } catch (GeneralSecurityException notThisAlgorithm) {
                // try the next one
            }
        }
        if (key == null) {
            throw invalid(privateKeyPem + " holds neither an RSA nor an EC private key");
        }
        return new ClientKey(key, certificatePem == null ? List.of() : certificates(certificatePem), null);
    }

    /**
     * Reads a private key entry of a key store.
     *
     * @param store    the key store file
     * @param password its password (also the entry's)
     * @param alias    the entry, or null for the first private key entry
     * @param type     the key store type, e.g. {@code PKCS12}
     * @return the key with its certificate chain
     * @throws TokenException with {@link ErrorCode#INVALID_SETTING} when the store or entry cannot be used
     */
    public static ClientKey fromKeyStore(Path store, Secret password, String alias, String type) {
        char[] pass = password == null ? null : password.reveal().toCharArray();
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore keyStore = KeyStore.getInstance(type);
            keyStore.load(in, pass);
            String entry = alias;
            if (entry == null) {
                for (String candidate : Collections.list(keyStore.aliases())) {
                    if (keyStore.isKeyEntry(candidate)) {
                        entry = candidate;
                        break;
                    }
                }
            }
            Key key = entry == null ? null : keyStore.getKey(entry, pass);
            if (!(key instanceof PrivateKey)) {
                throw invalid("the key store " + store + " has no private key entry"
                        + (alias == null ? "" : " '" + alias + "'"));
            }
            List<X509Certificate> chain = new ArrayList<>();
            Certificate[] certificates = keyStore.getCertificateChain(entry);
            if (certificates != null) {
                for (Certificate certificate : certificates) {
                    chain.add((X509Certificate) certificate);
                }
            }
            return new ClientKey((PrivateKey) key, chain, null);
        } catch (IOException | GeneralSecurityException e) {
            // the message of some providers repeats what they were given: keep only the kind of failure
            throw invalid("cannot use the key store " + store + " as " + type + " (" + e.getClass().getSimpleName()
                    + "): check the file, its password and type");
        }
    }

    /**
     * @param keyId the {@code kid} to put in the assertion's header, as registered at the authorization server
     * @return a copy with that key id
     */
    public ClientKey withKeyId(String keyId) {
        return new ClientKey(privateKey, chain, keyId);
    }

    /** @return the private key: only for signing */
    public PrivateKey privateKey() {
        return privateKey;
    }

    /** @return the certificate and its chain; empty when none was given */
    public List<X509Certificate> certificateChain() {
        return chain;
    }

    /** @return the key id, when one was given */
    public Optional<String> keyId() {
        return Optional.ofNullable(keyId);
    }

    /** @return the JWS algorithm the key signs with: RS256 for RSA, ES256 / ES384 / ES512 by EC curve size */
    public String algorithm() {
        if (privateKey instanceof RSAPrivateKey) {
            return "RS256";
        }
        int bits = ((ECPrivateKey) privateKey).getParams().getCurve().getField().getFieldSize();
        return bits <= 256 ? "ES256" : bits <= 384 ? "ES384" : "ES512";
    }

    /** @return the common name (CN) of the certificate's subject, when there is a certificate */
    public Optional<String> certificateCommonName() {
        if (chain.isEmpty()) {
            return Optional.empty();
        }
        try {
            for (Rdn rdn : new LdapName(chain.get(0).getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return Optional.of(rdn.getValue().toString());
                }
            }
        } catch (InvalidNameException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static List<X509Certificate> certificates(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                chain.add((X509Certificate) certificate);
            }
            if (chain.isEmpty()) {
                throw invalid(pem + " holds no certificate");
            }
            return chain;
        } catch (IOException | GeneralSecurityException e) {
            throw invalid("cannot read the certificate file " + pem + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static TokenException invalid(String message) {
        return TokenException.builder(ErrorCode.INVALID_SETTING).message(message).build();
    }

    // Same key, same client: compared by a digest of the key, never by printing it.
    private byte[] fingerprint() {
        try {
            return MessageDigest.getInstance("SHA-256").digest(privateKey.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ClientKey && MessageDigest.isEqual(fingerprint(), ((ClientKey) other).fingerprint())
                && Objects.equals(keyId, ((ClientKey) other).keyId) && chain.equals(((ClientKey) other).chain);
    }

    @Override
    public int hashCode() {
        return Objects.hash(keyId, chain);
    }

    @Override
    public String toString() {
        return "ClientKey[" + algorithm() + (keyId == null ? "" : ", kid=" + keyId)
                + certificateCommonName().map(cn -> ", certificate CN=" + cn).orElse("") + ", key=redacted]";
    }
}
