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
    @Test
    void theSchemeAndHostOfTheTargetAreComparedWithoutRegardToCase() {
        assertThat(allows("API.Example.com", "HTTPS://api.example.COM/x")).isTrue();
        assertThat(allows("*.Example.COM", "HTTPS://a.example.com/x")).isTrue();
        assertThat(allows("https://API.example.com/notes", "HTTPS://api.EXAMPLE.com/notes/1")).isTrue();
    }

    @Test
    void aBaseUriWithoutAPortMeansTheDefaultPortOfItsScheme() {
        assertThat(allows("http://api.example.com/api", "http://api.example.com:80/api/1")).isTrue();
        assertThat(allows("http://api.example.com:80/api", "http://api.example.com/api/1")).isTrue();
        assertThat(allows("http://api.example.com/api", "http://api.example.com:443/api/1")).isFalse();
        assertThat(allows("https://api.example.com/api", "https://api.example.com:80/api/1")).isFalse();
    }

    @Test
    void aBaseUriEndingInASlashAllowsWhatIsUnderIt() {
        String base = "https://api.example.com/notes/";
        assertThat(allows(base, "https://api.example.com/notes/1")).isTrue();
        assertThat(allows(base, "https://api.example.com/notes/")).isTrue();
        assertThat(allows(base, "https://api.example.com/notes/a/..")).as("resolves to /notes/").isTrue();
        assertThat(allows(base, "https://api.example.com/notes/.")).as("resolves to /notes/").isTrue();
        assertThat(allows(base, "https://api.example.com/notes")).as("not under /notes/").isFalse();
        assertThat(allows(base, "https://api.example.com/notes/..")).as("resolves to /").isFalse();
    }

    @Test
    void aBaseUriWithoutAPathAllowsTheWholeOriginAndATargetWithoutAPathIsTheRoot() {
        assertThat(allows("https://api.example.com", "https://api.example.com/any/thing")).isTrue();
        assertThat(allows("https://api.example.com", "https://api.example.com")).isTrue();
        assertThat(allows("https://api.example.com/", "https://api.example.com")).isTrue();
        assertThat(allows("https://api.example.com/notes", "https://api.example.com")).isFalse();
    }

    @Test
    void aBaseUriThatClimbsAboveTheRootAllowsNothing() {
        assertThat(allows("https://api.example.com/../notes", "https://api.example.com/notes/1")).isFalse();
        assertThat(allows("https://api.example.com/..", "https://api.example.com/")).isFalse();
    }

    @Test
    void aDotSegmentInTheMiddleOfThePathIsDroppedWithoutClimbing() {
        String base = "https://api.example.com/notes/a";
        assertThat(allows(base, "https://api.example.com/notes/./a/1")).isTrue();
        assertThat(allows(base, "https://api.example.com/notes/a/./../a/1")).isTrue();
        assertThat(allows(base, "https://api.example.com/notes/./b")).isFalse();
    }

    @Test
    void aPathThatAServerOrProxyCouldReadAsAnotherIsUnderNoBase() {
        String base = "https://api.example.com/notes";
        for (String path : List.of("/notes/..;/admin", "/notes/..;jsessionid=1/admin", "/notes/.;x/../../admin",
                "/notes/%2e%2e;/admin", "/notes/..%2fadmin", "/notes/..%2Fadmin", "/notes/..%5cadmin",
                "/notes/..%5Cadmin", "/notes/%252e%252e/admin", "/notes/x%252fy", "/notes//../admin",
                "/notes/..%3B/admin", "/notes/..%3bx/admin", "/notes/%c0%ae%c0%ae/admin", "/notes/%e0%80%ae/x")) {
            assertThat(allows(base, "https://api.example.com" + path)).as(path).isFalse();
        }
        assertThat(allows(base, "https://api.example.com/notes/1;v=2")).as("parameters on an ordinary segment")
                .isTrue();
        assertThat(allows("api.example.com", "https://api.example.com/notes/..;/admin")).as("a host entry")
                .isTrue();
    }

    @Test
    void theFirstMatchingEntryOfSeveralAllowsAndNoneMatchingRefuses() {
        AllowedHosts hosts = AllowedHosts.of(List.of("https://notes.internal/api", "*.example.com",
                "billing.example.org"));

        assertThat(hosts.allows(URI.create("https://notes.internal/api/1"))).isTrue();
        assertThat(hosts.allows(URI.create("https://a.example.com/"))).isTrue();
        assertThat(hosts.allows(URI.create("https://billing.example.org/x"))).isTrue();
        assertThat(hosts.allows(URI.create("https://notes.internal/other"))).isFalse();
        assertThat(hosts.allows(URI.create("https://example.org/"))).isFalse();
        assertThat(hosts.entries()).containsExactly("https://notes.internal/api", "*.example.com",
                "billing.example.org");
    }

    @Test
    void wellFormedEntriesHaveNoProblem() {
        assertThat(AllowedHosts.problemWith("api.example.com")).isNull();
        assertThat(AllowedHosts.problemWith("*.example.com")).isNull();
        assertThat(AllowedHosts.problemWith("a")).isNull();
        assertThat(AllowedHosts.problemWith("https://api.example.com/notes")).isNull();
        assertThat(AllowedHosts.problemWith("HTTP://localhost:9080/api")).isNull();
    }

    @Test
    void aMalformedEntryIsNamedInTheProblemAndRefusedByOf() {
        assertThat(AllowedHosts.problemWith("https://bad host/x")).isEqualTo("'https://bad host/x' is not a URI");
        assertThat(AllowedHosts.problemWith("ftp://files.example.com/"))
                .isEqualTo("'ftp://files.example.com/' must be an http(s) base URI with a host and no query");
        assertThat(AllowedHosts.problemWith("https://api.example.com/x?tenant=1")).contains("no query");
        assertThat(AllowedHosts.problemWith("https:///no-host")).contains("with a host");
        assertThat(AllowedHosts.problemWith("/relative://x")).contains("http(s) base URI");
        assertThat(AllowedHosts.problemWith("api.example.com/notes"))
                .isEqualTo("'api.example.com/notes' must be a host name, *.domain or an http(s) base URI");
        assertThat(AllowedHosts.problemWith("-api.example.com")).isNotNull();
        assertThat(AllowedHosts.problemWith("api.example.com-")).isNotNull();
        assertThat(AllowedHosts.problemWith("*example.com")).isNotNull();
        assertThat(AllowedHosts.problemWith("api_1.example.com")).isNotNull();

        TokenException e = org.assertj.core.api.Assertions.catchThrowableOfType(TokenException.class,
                () -> AllowedHosts.of(List.of("api.example.com", "ftp://files.example.com/")));
        assertThat(e.code()).isEqualTo("INVALID_SETTING");
        assertThat(e.getMessage()).contains("allowed-hosts: 'ftp://files.example.com/' must be an http(s) base URI");
    }

    @Test
    void sameOriginNeedsTheSameSchemeHostAndEffectivePort() {
        URI origin = URI.create("https://api.example.com/notes");
        assertThat(AllowedHosts.sameOrigin(origin, URI.create("HTTPS://API.example.com:443/other"))).isTrue();
        assertThat(AllowedHosts.sameOrigin(origin, URI.create("http://api.example.com/notes"))).isFalse();
        assertThat(AllowedHosts.sameOrigin(origin, URI.create("https://api.example.com:8443/notes"))).isFalse();
        assertThat(AllowedHosts.sameOrigin(origin, URI.create("https://other.example.com/notes"))).isFalse();
        assertThat(AllowedHosts.sameOrigin(URI.create("/relative"), origin)).as("no scheme").isFalse();
        assertThat(AllowedHosts.sameOrigin(URI.create("mailto:a@example.com"), URI.create("mailto:b@example.com")))
                .as("no host").isFalse();
    }
}
