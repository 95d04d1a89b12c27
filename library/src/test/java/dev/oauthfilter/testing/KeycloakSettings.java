package dev.oauthfilter.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the Keycloak of the integration tests is and how it runs, from the system properties the build sets
 * (failsafe, see pom.xml): {@code keycloak.home} (the unpacked distribution), {@code keycloak.java.home} (a Java 21+
 * runtime; Keycloak 26 does not run on the build's Java 17), and optionally {@code keycloak.log},
 * {@code keycloak.start.timeout} (seconds, default 240) and {@code keycloak.jvm.options} (added to kc.sh's own,
 * default {@code -XX:TieredStopAtLevel=1}). A missing or unusable setting fails the
 * tests with what to do: they are never skipped, CI has to prove them.
 */
final class KeycloakSettings {

    static final String ADMIN_USER = "admin";
    // dev mode on a loopback port, for the test run only
    static final String ADMIN_PASSWORD = "test-only-admin";
    static final String REALM = "oauth-filter";
    private static final int MINIMUM_JAVA = 21;
    // Measured here: a start until the realm is served took 35 s of CPU with C1 alone and 50-85 s with C2 as well,
    // which a test server that answers a few dozen requests never repays.
    private static final String C1_ONLY = "-XX:TieredStopAtLevel=1";
    private static final Pattern JAVA_VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)");

    private final Path home;
    private final Path javaHome;
    private final Path log;
    private final Duration startTimeout;
    private final String jvmOptions;

    private KeycloakSettings(Path home, Path javaHome, Path log, Duration startTimeout, String jvmOptions) {
        this.home = home;
        this.javaHome = javaHome;
        this.log = log;
        this.startTimeout = startTimeout;
        this.jvmOptions = jvmOptions;
    }

    static KeycloakSettings fromSystemProperties() {
        return from(System::getProperty);
    }

    /** @param properties the settings by name, null for those not set */
    static KeycloakSettings from(UnaryOperator<String> properties) {
        Path home = Path.of(required(properties, "keycloak.home", "the unpacked keycloak-quarkus-dist"))
                .toAbsolutePath().normalize();
        if (!Files.isExecutable(home.resolve("bin/kc.sh"))) {
            throw new IllegalStateException("keycloak.home=" + home + " holds no bin/kc.sh: `mvn verify` unpacks"
                    + " Keycloak there in pre-integration-test (maven-dependency-plugin, execution unpack-keycloak)");
        }
        Path javaHome = Path.of(required(properties, "keycloak.java.home",
                "a Java " + MINIMUM_JAVA + "+ runtime for Keycloak"));
        requireJava(javaHome);
        Path log = Optional.ofNullable(properties.apply("keycloak.log")).map(Path::of)
                .orElse(home.resolveSibling("keycloak.log")).toAbsolutePath();
        Duration timeout = Duration.ofSeconds(Optional.ofNullable(properties.apply("keycloak.start.timeout"))
                .map(Long::parseLong).orElse(240L));
        return new KeycloakSettings(home, javaHome, log, timeout,
                Optional.ofNullable(properties.apply("keycloak.jvm.options")).orElse(C1_ONLY));
    }

    private static String required(UnaryOperator<String> properties, String key, String what) {
        String value = properties.apply(key);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + key + " (" + what + ") is not set: run the Keycloak"
                    + " integration tests through `mvn verify`, whose failsafe configuration sets it");
        }
        return value;
    }

    private static void requireJava(Path javaHome) {
        String fix = "; install a JDK " + MINIMUM_JAVA + "+ and name it with -Dkeycloak.java.home=<its home>"
                + " (Maven property keycloak.java.home)";
        if (!Files.isExecutable(javaHome.resolve("bin/java"))) {
            throw new IllegalStateException("Keycloak 26 needs Java " + MINIMUM_JAVA + "+, and keycloak.java.home="
                    + javaHome + " has no bin/java" + fix);
        }
        int version;
        try {
            Matcher matcher = JAVA_VERSION.matcher(Files.readString(javaHome.resolve("release"), StandardCharsets.UTF_8));
            version = matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
        } catch (IOException e) {
            version = 0;
        }
        if (version < MINIMUM_JAVA) {
            throw new IllegalStateException("Keycloak 26 needs Java " + MINIMUM_JAVA + "+, and keycloak.java.home="
                    + javaHome + " is " + (version == 0 ? "of unknown version (no JAVA_VERSION in its release file)"
                    : "Java " + version) + fix);
        }
    }

    /** @return the unpacked distribution, absolute and normalized (how its processes name it) */
    Path home() {
        return home;
    }

    Path javaHome() {
        return javaHome;
    }

    /** @return the file that receives everything Keycloak prints */
    Path log() {
        return log;
    }

    /** @return where the running Keycloak's process id is kept, for the next start to stop a left-over one */
    Path pidFile() {
        return home.resolveSibling("keycloak.pid");
    }

    Duration startTimeout() {
        return startTimeout;
    }

    /** @return JVM options added to kc.sh's own ({@code JAVA_OPTS_APPEND}) */
    String jvmOptions() {
        return jvmOptions;
    }

    String realm() {
        return REALM;
    }

    /** @return the realm file on the test class path, imported at every start */
    String realmResource() {
        return "/keycloak/" + REALM + "-realm.json";
    }
}
