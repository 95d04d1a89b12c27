package dev.oauthfilter.internal.endpoint;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

class DPoPHtuTest {

    @Test
    void defaultPortsStayImplicit() {
        assertThat(DPoPProofs.htu(URI.create("https://example.com:443/a"))).isEqualTo("https://example.com/a");
    }

    @Test
    void aHostJavaCannotParseGivesAClearError() {
        Throwable t = catchThrowable(() -> DPoPProofs.generate(Clock.systemUTC())
                .proof("GET", URI.create("http://notes_service:8080/api"), null));
        assertThat(t).isInstanceOfSatisfying(dev.oauthfilter.TokenException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(dev.oauthfilter.ErrorCode.INVALID_SETTING);
            assertThat(e.getMessage()).contains("notes_service:8080");
        });
    }
}
