package dev.oauthfilter.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The capture finds a secret or token in every form a record can carry it, and passes a record without one. */
class LogCaptureTest {

    private static final Logger LOG = Logger.getLogger("dev.oauthfilter.testing.LogCaptureTest");
    private static final String ID = "client:7";
    private static final String SECRET = "s3cr:et /+&=é";
    private static final String TOKEN = "tok-abc-123";

    private static String base64(Base64.Encoder encoder, String text) {
        return encoder.encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String form(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    static Stream<String> leaks() {
        return Stream.of(
                SECRET,
                form(SECRET),
                form(SECRET).replace("+", "%20"),
                "Basic " + base64(Base64.getEncoder(), ID + ":" + SECRET),
                "Basic " + base64(Base64.getEncoder().withoutPadding(), ID + ":" + SECRET),
                base64(Base64.getUrlEncoder(), ID + ":" + SECRET),
                "Basic " + base64(Base64.getEncoder(), form(ID) + ":" + form(SECRET)),
                "Basic " + base64(Base64.getUrlEncoder().withoutPadding(), form(ID) + ":" + form(SECRET)),
                "header=" + form("Basic " + base64(Base64.getEncoder(), ID + ":" + SECRET)),
                "x" + base64(Base64.getEncoder(), "unknown-id:" + SECRET),
                TOKEN,
                "Bearer " + TOKEN);
    }

    private static void assertCaught(LogCapture capture, Consumer<Logger> logging) {
        capture.beforeEach(null);
        logging.accept(LOG);
        assertThatThrownBy(() -> capture.afterEach(null)).isInstanceOf(AssertionError.class);
    }

    @ParameterizedTest
    @MethodSource("leaks")
    void everyFormOfTheSecretOrTokenIsFoundInAFineMessage(String leak) {
        assertCaught(LogCapture.forbidding(Forbidden.secret(ID, SECRET), Forbidden.token(TOKEN)),
                log -> log.fine("request " + leak));
    }

    @ParameterizedTest
    @MethodSource("leaks")
    void theOldApiWithoutClientIdsFindsThemAsWell(String leak) {
        assertCaught(LogCapture.forbidding(() -> List.of(SECRET, TOKEN)), log -> log.finest(leak));
    }

    @Test
    void parametersRawMessagesAndEveryThrownCauseAreSearched() {
        Forbidden secret = Forbidden.secret(ID, SECRET);
        String basic = base64(Base64.getEncoder(), ID + ":" + SECRET);
        assertCaught(LogCapture.forbidding(secret), log -> log.log(Level.FINE, "header {0}", basic));
        assertCaught(LogCapture.forbidding(secret), log -> {
            // no placeholder: the parameter is in no formatted message, yet a handler's own formatter may print it
            LogRecord record = new LogRecord(Level.FINE, "token request");
            record.setParameters(new Object[] {"Basic " + basic});
            log.log(record);
        });
        assertCaught(LogCapture.forbidding(secret), log -> log.log(Level.FINE, "failed",
                new IllegalStateException("outer", new RuntimeException("inner " + basic))));
        assertCaught(LogCapture.forbidding(secret), log -> {
            IllegalStateException thrown = new IllegalStateException("outer");
            thrown.addSuppressed(new RuntimeException(form(SECRET)));
            log.log(Level.FINE, "failed", thrown);
        });
    }

    @Test
    void recordsWithoutASecretOrTokenPass() {
        LogCapture capture = LogCapture.forbidding(Forbidden.secret(ID, SECRET), Forbidden.token(TOKEN));
        capture.beforeEach(null);
        LOG.fine("client 'x': obtained AccessToken[type=Bearer, sha256=" + base64(Base64.getEncoder(), "digest") + "]");
        LOG.log(Level.FINE, "client 'x': TOKEN_ENDPOINT_ERROR", new IllegalStateException("invalid_client"));

        assertThatCode(() -> capture.afterEach(null)).doesNotThrowAnyException();
    }
}
