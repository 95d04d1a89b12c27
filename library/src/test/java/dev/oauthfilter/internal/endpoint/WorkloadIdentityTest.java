package dev.oauthfilter.internal.endpoint;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.oauthfilter.ClientAuthMethod;
import dev.oauthfilter.ErrorCode;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.TokenProvider;
import dev.oauthfilter.testing.FakeTokenServer;
import dev.oauthfilter.testing.Forbidden;
import dev.oauthfilter.fixtures.MutableClock;
import dev.oauthfilter.testing.TokenServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Workload identity: the client authenticates with a JWT someone else issued to it (a Kubernetes projected
 * service-account token) read from a file for every token request, so that a rotated one is used at once; the
 * file's content never appears in a message or a log.
 */
class WorkloadIdentityTest {

    private static final String CLIENT_ID = "workload";
    private final List<String> issuedAssertions = new ArrayList<>();

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbidding(
            Forbidden.values("client assertion", () -> issuedAssertions));
    private final FakeTokenServer server = fixture.server();
    private final MutableClock clock = fixture.clock();

    @TempDir
    Path dir;

    /** What the cluster's token issuer writes: a JWT for the authorization server, expiring in 10 minutes. */
    private String projectedToken(String subject) throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).generate();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), new JWTClaimsSet.Builder()
                .issuer("https://kubernetes.default.svc").subject(subject).audience(server.uri("/token").toString())
                .expirationTime(Date.from(clock.instant().plus(Duration.ofMinutes(10)))).build());
        jwt.sign(new RSASSASigner(key));
        String serialized = jwt.serialize();
        issuedAssertions.add(serialized);
        return serialized;
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            String[] kv = pair.split("=", 2);
            form.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return form;
    }

    private TokenProvider provider(Path file) {
        return fixture.cache().provider(OAuthClientConfig.builder().tokenUrl(server.uri("/token")).clientId(CLIENT_ID)
                .clientAssertionFile(file).build());
    }

    @Test
    void theFilesJwtIsTheClientAssertionAndARotatedOneIsUsedAtOnce() throws Exception {
        Path file = dir.resolve("token");
        String first = projectedToken("system:serviceaccount:shop:backend");
        Files.writeString(file, first + "\n");
        TokenProvider tokens = provider(file);

        tokens.token();
        String second = projectedToken("system:serviceaccount:shop:backend");
        Files.writeString(file, second);
        clock.advance(Duration.ofMinutes(2));
        assertThat(tokens.invalidate(tokens.token())).isTrue();
        tokens.token();

        assertThat(server.tokenRequests()).extracting(r -> form(r.body).get("client_assertion"))
                .containsExactly(first, second);
        assertThat(form(server.tokenRequests().get(0).body))
                .containsEntry("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
                .containsEntry("client_id", CLIENT_ID).doesNotContainKey("client_secret");
        assertThat(server.tokenRequests().get(0).header("Authorization")).isNull();
    }

    @Test
    void anExpiredMissingOrForeignFileIsAMissingSecretThatNamesTheFileNotItsContent() throws Exception {
        Path file = dir.resolve("token");
        Files.writeString(file, projectedToken("sa"));
        OAuthClientConfig config = OAuthClientConfig.builder().tokenUrl(server.uri("/token")).clientId(CLIENT_ID)
                .clientAssertionFile(file).maxAttempts(1).failureCooldown(Duration.ZERO).build();
        TokenProvider tokens = fixture.cache().provider(config);

        clock.advance(Duration.ofMinutes(11));
        assertThatThrownBy(tokens::token).isInstanceOfSatisfying(TokenException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.MISSING_SECRET);
            assertThat(e.getMessage()).contains(file.toString()).contains("expired");
        });
        Files.writeString(file, "not-a-jwt");
        assertThatThrownBy(tokens::token).hasMessageContaining("does not hold a JWT");
        Files.delete(file);
        assertThatThrownBy(tokens::token).hasMessageContaining("cannot read");
        assertThat(server.tokenRequestCount()).as("nothing sent without a credential").isZero();
    }

    @Test
    void anAssertionFileGoesWithPrivateKeyJwtOnly() {
        assertThat(OAuthClientConfig.builder().tokenUrl(server.uri("/token")).clientId(CLIENT_ID)
                .clientAssertionFile(dir.resolve("t")).build().authentication().method())
                .isEqualTo(ClientAuthMethod.PRIVATE_KEY_JWT);
        assertThatThrownBy(() -> OAuthClientConfig.builder().tokenUrl(server.uri("/token")).clientId(CLIENT_ID)
                .clientSecret("s").clientAuthMethod(ClientAuthMethod.CLIENT_SECRET_BASIC)
                .clientAssertionFile(dir.resolve("t")).build())
                .isInstanceOfSatisfying(TokenException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_SETTING));
    }
}
