package dev.oauthfilter.consumer;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a user's application gets from the published library (the minimal application of {@code src/it}, built by a
 * Maven of its own against the build's file repository): the library and its runtime dependencies in
 * {@code WEB-INF/lib}, the very jar this build made, and nothing else: no API the server provides, no test library.
 */
class ConsumerApplicationIT {

    private static final String LIB = "WEB-INF/lib/";

    private static Path property(String name) {
        return Path.of(Objects.requireNonNull(System.getProperty(name), name));
    }

    private static List<String> libraries() throws IOException {
        try (ZipFile war = new ZipFile(property("consumer.war").toFile())) {
            return war.stream().map(ZipEntry::getName)
                    .filter(name -> name.startsWith(LIB) && name.length() > LIB.length())
                    .map(name -> name.substring(LIB.length())).sorted().toList();
        }
    }

    @Test
    void theApplicationGotTheLibraryFromTheFileRepositoryOnly() throws IOException {
        String log = Files.readString(property("consumer.build.log"));
        assertThat(log).as("the application's build resolved the library from the file repository")
                .containsPattern("Downloaded from consumer-repository: file:\\S+/dev/oauthfilter/oauth-filter/\\S+\\.jar");
        assertThat(log).as("and the parent POM the library's POM names")
                .containsPattern("Downloaded from consumer-repository: \\S+/oauth-filter-parent-\\S+\\.pom");
    }

    @Test
    void theWarHoldsTheLibraryAndItsRuntimeDependenciesAndNothingElse() throws IOException {
        assertThat(libraries()).as("WEB-INF/lib of an application with one Rest Client").hasSize(5)
                .anySatisfy(jar -> assertThat(jar).matches("oauth-filter-0\\.1\\.0-\\S+\\.jar"))
                .anySatisfy(jar -> assertThat(jar).startsWith("jackson-databind-"))
                .anySatisfy(jar -> assertThat(jar).startsWith("jackson-core-"))
                .anySatisfy(jar -> assertThat(jar).startsWith("jackson-annotations-"))
                .anySatisfy(jar -> assertThat(jar).startsWith("nimbus-jose-jwt-"))
                .noneSatisfy(jar -> assertThat(jar).containsAnyOf("jakarta", "microprofile", "cache-api",
                        "hazelcast", "junit", "assertj", "weld", "jersey", "smallrye", "test-fixtures"));
    }

    @Test
    void theLibraryInTheWarIsTheJarThisBuildMade() throws IOException, NoSuchAlgorithmException {
        String built = sha256(Files.readAllBytes(property("library.jar")));
        try (ZipFile war = new ZipFile(property("consumer.war").toFile())) {
            ZipEntry library = war.stream().filter(e -> e.getName().matches(LIB + "oauth-filter-[^/]+\\.jar"))
                    .findFirst().orElseThrow();
            try (InputStream in = war.getInputStream(library)) {
                assertThat(sha256(in.readAllBytes())).isEqualTo(built);
            }
        }
    }

    private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
