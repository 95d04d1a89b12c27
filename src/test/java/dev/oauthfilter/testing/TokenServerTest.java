package dev.oauthfilter.testing;

import dev.oauthfilter.TokenCache;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What most tests of the token path start from: an in-JVM token server, a clock the test moves, a cache of their own
 * on that clock, and a log capture that fails the test if a secret or an issued token was logged.
 */
public abstract class TokenServerTest {

    protected final FakeTokenServer server = FakeTokenServer.start();
    protected final MutableClock clock = MutableClock.atEpochSecond(1_700_000_000);
    protected final TokenCache cache = TokenCache.builder().clock(clock).build();

    @RegisterExtension
    protected final LogCapture logs = LogCapture.forbidding(() -> LogCapture.all(server.issuedTokens(), secrets()));

    /** @return the secrets this test configures, which must appear in no log record */
    protected abstract String[] secrets();

    @AfterEach
    void stopTokenServer() {
        server.close();
    }
}
