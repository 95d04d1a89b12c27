package dev.oauthfilter.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The Keycloak integration tests fail, saying what to do, when they cannot run: they are never skipped. */
class KeycloakSettingsTest {

    @TempDir
    Path dir;

    private final Map<String, String> properties = new HashMap<>();

    @Test
    void aJava21OrLaterRuntimeAndTheDistributionAreEnough() throws IOException {
        properties.put("keycloak.home", distribution().toString());
        properties.put("keycloak.java.home", javaHome("25.0.1").toString());

        KeycloakSettings settings = KeycloakSettings.from(properties::get);

        assertThat(settings.log()).isEqualTo(dir.resolve("keycloak.log"));
        assertThat(settings.jvmOptions()).isEqualTo("-XX:TieredStopAtLevel=1");
    }

    @Test
    void aMissingJavaHomeFailsNamingThePropertyToSet() throws IOException {
        properties.put("keycloak.home", distribution().toString());
        properties.put("keycloak.java.home", dir.resolve("no-such-jdk").toString());

        assertThat(failure()).hasMessageContaining("Keycloak 26 needs Java 21+")
                .hasMessageContaining("no-such-jdk has no bin/java").hasMessageContaining("-Dkeycloak.java.home=");
    }

    @Test
    void aJavaOlderThan21FailsNamingItsVersion() throws IOException {
        properties.put("keycloak.home", distribution().toString());
        properties.put("keycloak.java.home", javaHome("17.0.15").toString());

        assertThat(failure()).hasMessageContaining("is Java 17").hasMessageContaining("Maven property keycloak.java.home");
    }

    @Test
    void withoutTheBuildsPropertiesItFailsPointingAtMavenVerify() {
        assertThat(failure()).hasMessageContaining("keycloak.home").hasMessageContaining("mvn verify");
    }

    @Test
    void aDistributionThatIsNotUnpackedFailsNamingThePluginThatUnpacksIt() {
        properties.put("keycloak.home", dir.resolve("keycloak-26.4.7").toString());

        assertThat(failure()).hasMessageContaining("holds no bin/kc.sh").hasMessageContaining("unpack-keycloak");
    }

    private IllegalStateException failure() {
        return catchThrowableOfType(IllegalStateException.class, () -> KeycloakSettings.from(properties::get));
    }

    private Path distribution() throws IOException {
        Path home = dir.resolve("keycloak-26.4.7");
        executable(home.resolve("bin/kc.sh"));
        return home;
    }

    private Path javaHome(String version) throws IOException {
        Path home = dir.resolve("jdk-" + version);
        executable(home.resolve("bin/java"));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + version + "\"\n");
        return home;
    }

    private static void executable(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
