package dev.oauthfilter.samples.it;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Date;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The protected notes service (Liberty mpJwt-2.1) lets in only valid tokens of the demo authorization server. */
class ProtectedServiceIT {

    @Test
    void aValidTokenOfTheAuthorizationServerIsAccepted() {
        String token = SampleServer.tokenFor("it-client");

        assertThat(SampleServer.get("/notes", "Bearer " + token).statusCode()).isEqualTo(200);
    }

    @Test
    void aRequestWithoutATokenIsRejected() {
        assertThat(SampleServer.get("/notes").statusCode()).isEqualTo(401);
    }

    @Test
    void aTokenSignedByAnotherKeyIsRejected() throws Exception {
        RSAKey forger = new RSAKeyGenerator(2048).keyID("forged").generate();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer("http://localhost:" + System.getProperty("http.port", "9080")
                        + "/oauth-filter-samples/api/demo-as")
                .audience("notes-service").subject("it-client").claim("upn", "it-client")
                .claim("groups", List.of("notes.read"))
                .issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(300))).build();
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("forged")
                .type(JOSEObjectType.JWT).build(), claims);
        forged.sign(new RSASSASigner(forger));

        assertThat(SampleServer.get("/notes", "Bearer " + forged.serialize()).statusCode()).isEqualTo(401);
    }

    @Test
    void anExpiredTokenOfTheAuthorizationServerIsRejected() {
        String expired = SampleServer.tokenFor("expired-client");

        assertThat(SampleServer.get("/notes", "Bearer " + expired).statusCode()).isEqualTo(401);
    }
}
