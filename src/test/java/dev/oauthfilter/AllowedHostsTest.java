package dev.oauthfilter;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What each kind of {@code allowed-hosts} entry lets through, and the look-alikes it must refuse. */
class AllowedHostsTest {

    private static boolean allows(String entry, String target) {
        return AllowedHosts.of(List.of(entry)).allows(URI.create(target));
    }

    @Test
    void aBareHostAllowsThatHostOverHttpsOnAnyPortOnly() {
        assertThat(allows("api.example.com", "https://api.example.com/x")).isTrue();
        assertThat(allows("api.example.com", "https://API.example.com:8443/x")).isTrue();
        assertThat(allows("api.example.com", "http://api.example.com/x")).as("plain http (RFC 6750 5.3)").isFalse();
        assertThat(allows("api.example.com", "https://api.example.com.evil.io/x")).isFalse();
        assertThat(allows("api.example.com", "https://other.example.com/x")).isFalse();
    }

    @Test
    void aWildcardAllowsSubdomainsOnlyOverHttps() {
        assertThat(allows("*.example.com", "https://a.example.com/")).isTrue();
        assertThat(allows("*.example.com", "https://a.b.example.com/")).isTrue();
        assertThat(allows("*.example.com", "https://evilexample.com/")).isFalse();
        assertThat(allows("*.example.com", "https://example.com/")).as("the domain itself").isFalse();
        assertThat(allows("*.example.com", "https://a.example.com.evil.io/")).isFalse();
        assertThat(allows("*.example.com", "http://a.example.com/")).as("plain http").isFalse();
    }

    @Test
    void aBaseUriNeedsItsSchemeHostAndPortExactly() {
        String base = "https://api.example.com/notes";
        assertThat(allows(base, "https://api.example.com/notes")).isTrue();
        assertThat(allows(base, "https://api.example.com:443/notes/1")).isTrue();
        assertThat(allows(base, "http://api.example.com/notes/1")).isFalse();
        assertThat(allows(base, "https://api.example.com:8443/notes/1")).isFalse();
        assertThat(allows(base, "https://other.example.com/notes/1")).isFalse();
        assertThat(allows("http://localhost:9080/api", "http://localhost:9080/api/notes")).isTrue();
        assertThat(allows("http://localhost:9080/api", "http://localhost:9081/api/notes")).isFalse();
    }

    @Test
    void aBaseUriMatchesTheNormalisedPathOnASegmentBoundary() {
        String base = "https://api.example.com/notes";
        assertThat(allows(base, "https://api.example.com/notes-admin")).isFalse();
        assertThat(allows(base, "https://api.example.com/notes/../admin")).isFalse();
        assertThat(allows(base, "https://api.example.com/notes/%2e%2e/admin")).isFalse();
        assertThat(allows(base, "https://api.example.com/notes/%2E%2E/admin")).isFalse();
        assertThat(allows(base, "https://api.example.com/notes/.%2e/admin")).isFalse();
        assertThat(allows(base, "https://api.example.com/notes/a/../../admin")).isFalse();
        assertThat(allows(base, "https://api.example.com/../notes")).as("climbs above the root").isFalse();
        assertThat(allows(base, "https://api.example.com/notes/./1")).isTrue();
        assertThat(allows(base, "https://api.example.com/notes/a/../1")).isTrue();
        assertThat(allows(base, "https://api.example.com/admin/../notes/1")).isTrue();
    }

    @Test
    void noEntriesAllowsEverywhereAndATargetWithoutAHostIsNeverAllowed() {
        assertThat(AllowedHosts.of(List.of()).allows(URI.create("http://anywhere.example/"))).isTrue();
        assertThat(allows("api.example.com", "mailto:someone@example.com")).isFalse();
    }
}
