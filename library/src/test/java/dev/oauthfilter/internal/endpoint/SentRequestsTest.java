package dev.oauthfilter.internal.endpoint;

import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;

/** What a listener is told of the token endpoint: never user info, a query or a fragment; a long path is cut. */
class SentRequestsTest {

    @Test
    void userInfoQueryAndFragmentAreNeverShown() {
        URI shown = SentRequests.shown(URI.create(
                "https://client:s3cr%40t@idp.example:8443/realms/a/token?client_secret=s3cr%40t&x=1#frag"));

        assertThat(shown).hasToString("https://idp.example:8443/realms/a/token");
    }

    @Test
    void aDefaultPortStaysImplicitAndAnIpv6HostKeepsItsBrackets() {
        assertThat(SentRequests.shown(URI.create("https://idp.example/token")))
                .hasToString("https://idp.example/token");
        assertThat(SentRequests.shown(URI.create("http://[::1]:8080/token?a=b")))
                .hasToString("http://[::1]:8080/token");
    }

    @Test
    void aLongPathIsCutNeverInsideAPercentEscape() {
        String path = "/" + "a".repeat(SentRequests.MAX_PATH_LENGTH - 2) + "%41" + "b".repeat(100);

        URI shown = SentRequests.shown(URI.create("https://idp.example" + path));

        assertThat(shown.getRawPath()).hasSize(SentRequests.MAX_PATH_LENGTH - 1).doesNotContain("%");
        assertThat(SentRequests.shown(URI.create("https://idp.example/" + "c".repeat(1000))).getRawPath())
                .hasSize(SentRequests.MAX_PATH_LENGTH);
    }
}
