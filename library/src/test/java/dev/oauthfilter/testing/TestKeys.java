package dev.oauthfilter.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Keys and certificates made for a test: key pairs in PKCS#8 PEM files, and key stores made by the JDK's keytool. */
public final class TestKeys {

    private TestKeys() {
    }

    public static KeyPair rsa() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    public static KeyPair ecP256() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    public static Path pkcs8Pem(KeyPair keys, Path file) throws IOException {
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(keys.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        return Files.writeString(file, pem, StandardCharsets.US_ASCII);
    }

    /**
     * A PKCS#12 key store holding an EC P-256 key (alias {@code dpop}) and a self-signed certificate for
     * {@code CN=<commonName>}: what a configured DPoP key is.
     */
    public static Path ecKeyStore(Path file, String commonName, String password)
            throws IOException, InterruptedException {
        keytool("-genkeypair", "-alias", "dpop", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=" + commonName, "-keystore", file.toString(), "-storetype", "PKCS12",
                "-storepass", password);
        return file;
    }

    /** A PKCS#12 key store holding an RSA key and a self-signed certificate for {@code CN=<commonName>}. */
    public static Path keyStore(Path file, String commonName, String password) throws IOException, InterruptedException {
        keytool("-genkeypair", "-alias", "client", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=" + commonName + ",O=oauth-filter tests", "-keystore", file.toString(),
                "-storetype", "PKCS12", "-storepass", password);
        return file;
    }

    public static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("keytool " + args[0] + " failed: " + output);
        }
    }
}
