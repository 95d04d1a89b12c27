package dev.oauthfilter.benchmarks;

import com.nimbusds.jose.jwk.ECKey;
import dev.oauthfilter.AccessToken;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenCache;
import dev.oauthfilter.TokenProvider;
import dev.oauthfilter.internal.endpoint.DPoPProofs;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.lang.reflect.Field;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * What a DPoP proof costs beyond its one ES256 signature, against that signature in the same run: the floor signs
 * the signing input ({@code header.payload}) of one of the library's own proofs with the same key, as the JDK idiom
 * does (a {@code Signature} per signature) and with one reused {@code Signature}. Measured: a proof
 * ({@code DPoPProofs.signedProof}) and a DPoP client's whole {@code authorization(method, uri)} with its token cached.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
public class DPoPProofBenchmark {

    private static final URI API = URI.create("https://api.example.com/notes/7?view=full");

    private TokenEndpointStub stub;
    private DPoPProofs proofs;
    private AccessToken token;
    private PrivateKey privateKey;
    private byte[] signingInput;
    private Signature reused;
    private TokenProvider dpopClient;
    private URI stubApi;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Clock clock = Clock.systemUTC();
        proofs = DPoPProofs.generate(clock);
        Instant now = clock.instant();
        token = new AccessToken("bench-token-1-0123456789abcdef0123456789abcdef", "DPoP", now,
                now.plusSeconds(3600), "read");
        privateKey = privateKeyOf(proofs);
        String proof = proofs.proof("GET", API, token);
        signingInput = proof.substring(0, proof.lastIndexOf('.')).getBytes(StandardCharsets.US_ASCII);
        reused = Signature.getInstance("SHA256withECDSA");
        reused.initSign(privateKey);

        stub = new TokenEndpointStub(0, 3600);
        stubApi = stub.uri("/api/notes");
        dpopClient = TokenCache.builder().build().provider(OAuthClientConfig.builder()
                .tokenUrl(stub.uri("/dpop-token")).clientId("bench").clientSecret("bench-secret").dpop(true).build());
        dpopClient.authorization("GET", stubApi); // the token is cached from here on
    }

    /** The generated key is never exported: the floor reads it from the proofs, to sign with the very same key. */
    private static PrivateKey privateKeyOf(DPoPProofs proofs) throws ReflectiveOperationException {
        for (Field field : DPoPProofs.class.getDeclaredFields()) {
            if (field.getType() == ECKey.class) {
                field.setAccessible(true);
                try {
                    return ((ECKey) field.get(proofs)).toECPrivateKey();
                } catch (com.nimbusds.jose.JOSEException e) {
                    throw new IllegalStateException(e);
                }
            }
            if (PrivateKey.class.isAssignableFrom(field.getType())) {
                field.setAccessible(true);
                return (PrivateKey) field.get(proofs);
            }
        }
        throw new IllegalStateException("DPoPProofs holds no key the benchmark can find");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        stub.close();
    }

    /** The floor, as the JDK idiom writes it: getInstance, initSign, update, sign. */
    @Benchmark
    public byte[] floorSignature() throws GeneralSecurityException {
        Signature signature = Signature.getInstance("SHA256withECDSA");
        signature.initSign(privateKey);
        signature.update(signingInput);
        return signature.sign();
    }

    /** The floor with one Signature object reused (sign() leaves it initialised for the next). */
    @Benchmark
    public byte[] floorSignatureReused() throws GeneralSecurityException {
        reused.update(signingInput);
        return reused.sign();
    }

    @Benchmark
    public Object proof() {
        return proofs.signedProof("GET", API, token);
    }

    /** A DPoP client with its token cached: the token, the proof, the headers. */
    @Benchmark
    public Object authorization() {
        return dpopClient.authorization("GET", stubApi);
    }
}
