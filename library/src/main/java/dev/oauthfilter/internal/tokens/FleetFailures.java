package dev.oauthfilter.internal.tokens;

import dev.oauthfilter.ErrorCode;
import dev.oauthfilter.TokenException;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Which failures a member shares with its fleet as a cooldown: only those of the token endpoint itself (an error
 * answer, an unusable answer, no answer, its issuer's metadata), which every member would meet too. A failure that
 * belongs to one member (its own secret file caught mid-rotation, its executor stopping, a bug) is never shared, and
 * a marker naming any other code is not believed, whoever signed it.
 */
final class FleetFailures {

    private static final Set<ErrorCode> SHARED = EnumSet.of(ErrorCode.TOKEN_ENDPOINT_ERROR,
            ErrorCode.INVALID_TOKEN_RESPONSE, ErrorCode.TOKEN_ENDPOINT_UNREACHABLE, ErrorCode.DISCOVERY_FAILED);

    private FleetFailures() {
    }

    /** @return the failure as the fleet reads it ({@code CODE:0|1}: retryable or not), if it is one to share */
    static Optional<String> toShare(TokenException failure) {
        return codeOf(failure.code()).filter(SHARED::contains)
                .map(code -> code.name() + ":" + (failure.isRetryable() ? 1 : 0));
    }

    /** @return whether {@code failure}, as read from the store, is a shared failure in the form {@link #toShare} makes */
    static boolean isShared(String failure) {
        int colon = failure.lastIndexOf(':');
        return colon > 0 && (failure.endsWith(":0") || failure.endsWith(":1")) && colon == failure.length() - 2
                && codeOf(failure.substring(0, colon)).filter(SHARED::contains).isPresent();
    }

    /** @return the code of a failure {@link #isShared} accepted */
    static ErrorCode code(String failure) {
        return ErrorCode.valueOf(failure.substring(0, failure.lastIndexOf(':')));
    }

    /** @return whether retrying can help with a failure {@link #isShared} accepted */
    static boolean retryable(String failure) {
        return failure.endsWith(":1");
    }

    private static Optional<ErrorCode> codeOf(String name) {
        for (ErrorCode code : ErrorCode.values()) {
            if (code.name().equals(name)) {
                return Optional.of(code);
            }
        }
        return Optional.empty();
    }
}
