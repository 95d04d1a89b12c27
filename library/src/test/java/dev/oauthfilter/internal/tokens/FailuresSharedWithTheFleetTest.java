package dev.oauthfilter.internal.tokens;

import dev.oauthfilter.ErrorCode;
import dev.oauthfilter.TokenException;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which failures a replica shares with its fleet, in which form, and which forms read back from the store are
 * believed: only the token endpoint's own failures (error answer, unusable answer, no answer, its metadata), with
 * whether retrying can help; nothing else, whoever signed it.
 */
class FailuresSharedWithTheFleetTest {

    private static final Set<ErrorCode> ENDPOINT_FAILURES = EnumSet.of(ErrorCode.TOKEN_ENDPOINT_ERROR,
            ErrorCode.INVALID_TOKEN_RESPONSE, ErrorCode.TOKEN_ENDPOINT_UNREACHABLE, ErrorCode.DISCOVERY_FAILED);

    private static TokenException failure(ErrorCode code, boolean retryable) {
        return TokenException.builder(code).message("failed").retryable(retryable).build();
    }

    @Test
    void theTokenEndpointsFailuresAreSharedWithWhetherRetryingHelps() {
        for (ErrorCode code : ENDPOINT_FAILURES) {
            assertThat(FleetFailures.toShare(failure(code, true))).as(code.name()).contains(code.name() + ":1");
            assertThat(FleetFailures.toShare(failure(code, false))).as(code.name()).contains(code.name() + ":0");
        }
    }

    @Test
    void aReplicasOwnFailuresAreNeverShared() {
        for (ErrorCode code : EnumSet.complementOf(EnumSet.copyOf(ENDPOINT_FAILURES))) {
            assertThat(FleetFailures.toShare(failure(code, true))).as(code.name()).isEmpty();
        }
    }

    @Test
    void whatIsSharedIsBelievedBackWithItsCodeAndRetryability() {
        for (ErrorCode code : ENDPOINT_FAILURES) {
            for (boolean retryable : new boolean[]{true, false}) {
                String shared = FleetFailures.toShare(failure(code, retryable)).orElseThrow();

                assertThat(FleetFailures.isShared(shared)).as(shared).isTrue();
                assertThat(FleetFailures.code(shared)).as(shared).isEqualTo(code);
                assertThat(FleetFailures.retryable(shared)).as(shared).isEqualTo(retryable);
            }
        }
    }

    @Test
    void noOtherFormReadFromTheStoreIsBelieved() {
        List<String> forged = List.of("", ":", ":1", "1", "TOKEN_ENDPOINT_ERROR", "TOKEN_ENDPOINT_ERROR:",
                "TOKEN_ENDPOINT_ERROR:2", "TOKEN_ENDPOINT_ERROR:10", "TOKEN_ENDPOINT_ERROR:01", "TOKEN_ENDPOINT_ERROR1",
                "TOKEN_ENDPOINT_ERROR:1:1", "token_endpoint_error:1", "MISSING_CLIENT_ID:0", "INTERRUPTED:1",
                "INTERNAL_ERROR:0", "NO_SUCH_CODE:1");
        for (String failure : forged) {
            assertThat(FleetFailures.isShared(failure)).as("'%s'", failure).isFalse();
        }
    }
}
