package dev.oauthfilter.internal.endpoint;

import dev.oauthfilter.ErrorCode;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.testing.Rfc3986;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.net.URI;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The {@code htu} of generated request URIs, against RFC 9449 §4.2 (the target URI without its query and fragment)
 * and §4.3 (a server compares after RFC 3986 §6.2.2 syntax-based and §6.2.3 scheme-based normalisation), with the
 * target URI of RFC 9110 §7.1, which carries no userinfo (§4.2.4).
 *
 * <p>What these properties prove, for URIs with every kind of path character, percent-encoding (either case),
 * dot-segment, port (none, empty, default, other), IP literal, userinfo, query and fragment: no query or fragment
 * survives; the htu is equivalent to the target under the RFC's normalisation; the path is kept exactly as sent (a
 * server that does not normalise still matches); the userinfo, and so its password, is never in the proof. Two
 * properties fail on the current code (see each): a URI whose authority Java cannot read as a host gets an error
 * message that shows the password of its userinfo, and a path with non-ASCII characters gives an htu that is not a
 * URI and differs from the percent-encoded path the JDK HTTP client sends.
 */
class DPoPHtuPropertiesTest {

    record Target(String scheme, String userinfo, String host, String port, String path, String query,
                  String fragment) {
        String text() {
            return scheme + "://" + (userinfo == null ? "" : userinfo + "@") + host + (port == null ? "" : ":" + port)
                    + path + (query == null ? "" : "?" + query) + (fragment == null ? "" : "#" + fragment);
        }

        URI uri() {
            return URI.create(text());
        }

        /** RFC 9449 §4.2 read literally: the target (RFC 9110 §7.1, no userinfo) up to its query or fragment. */
        String withoutQueryAndFragment() {
            return Rfc3986.normalisedHttpUri(scheme, host, port, path);
        }

        @Override
        public String toString() {
            return text();
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Generators

    private static final String UNRESERVED = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~";
    private static final String SUB_DELIMS = "!$&'()*+,;=";

    private static Arbitrary<String> mixedCase(Arbitrary<String> text) {
        return Combinators.combine(text, Arbitraries.longs()).as((t, mask) -> {
            StringBuilder out = new StringBuilder(t);
            for (int i = 0; i < out.length(); i++) {
                if ((mask >>> (i % 64) & 1) == 1) {
                    char c = out.charAt(i);
                    out.setCharAt(i, Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c));
                }
            }
            return out.toString();
        });
    }

    /** A percent-encoded octet, hex digits in either case: unreserved ones (%41, %2e) as well as %2F, %3F, %23. */
    private static Arbitrary<String> triplets() {
        return mixedCase(Arbitraries.integers().between(0, 255).map(b -> String.format("%%%02x", b)));
    }

    /** pchar (RFC 3986 §3.3): unreserved, percent-encoded, sub-delims, ":" and "@". */
    private static Arbitrary<String> pchars() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.of(UNRESERVED.chars().mapToObj(c -> String.valueOf((char) c)).toList())),
                Tuple.of(2, triplets()),
                Tuple.of(1, Arbitraries.of((SUB_DELIMS + ":@").chars().mapToObj(c -> String.valueOf((char) c))
                        .toList())));
    }

    private static Arbitrary<String> segments() {
        Arbitrary<String> plain = pchars().list().ofMaxSize(6).map(l -> String.join("", l));
        return Arbitraries.frequencyOf(Tuple.of(8, plain),
                Tuple.of(1, Arbitraries.of(".", "..", "%2e", "%2E%2e", "..;")));
    }

    private static Arbitrary<String> pathTexts() {
        return segments().list().ofMaxSize(5).map(l -> String.join("", l.stream().map(s -> "/" + s).toList()));
    }

    /** Query and fragment characters (§3.4, §3.5): pchar, "/" and "?"; a fragment may hold another "#"-free "?". */
    private static Arbitrary<String> queries() {
        return Arbitraries.oneOf(pchars(), Arbitraries.of("/", "?")).list().ofMaxSize(8)
                .map(l -> String.join("", l)).injectNull(0.4);
    }

    private static Arbitrary<String> hostTexts() {
        Arbitrary<String> names = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(6)
                .list().ofMinSize(1).ofMaxSize(3).map(l -> String.join(".", l));
        return Arbitraries.frequencyOf(Tuple.of(6, mixedCase(names)),
                Tuple.of(1, Arbitraries.of("127.0.0.1", "10.1.2.3", "[::1]", "[2001:DB8::A]", "[fe80::1:2]")));
    }

    private static Arbitrary<String> ports() {
        return Arbitraries.of("", "80", "443", "8080", "1", "65535").injectNull(0.5);
    }

    private static Arbitrary<String> passwordTexts() {
        return Arbitraries.strings().withCharRange('a', 'z').numeric().ofLength(10).map(p -> "pw-" + p);
    }

    private static Arbitrary<String> userinfos() {
        Arbitrary<String> withPassword = passwordTexts().map(p -> "alice:" + p);
        return Arbitraries.oneOf(Arbitraries.of("alice", "a%40b", "alice:"), withPassword).injectNull(0.6);
    }

    private static Arbitrary<String> schemes() {
        return mixedCase(Arbitraries.of("https", "http"));
    }

    @Provide
    Arbitrary<Target> targets() {
        return Combinators.combine(schemes(), userinfos(), hostTexts(), ports(), pathTexts(), queries(), queries())
                .as(Target::new);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Properties

    @Property(tries = 2000)
    void theHtuIsTheTargetWithoutQueryAndFragment(@ForAll("targets") Target target) {
        String htu = DPoPProofs.htu(target.uri());

        assertThat(htu).as("htu of %s", target).doesNotContain("?").doesNotContain("#");
        URI sent = URI.create(htu);
        assertThat(sent.isAbsolute()).as("htu %s is an absolute URI", htu).isTrue();
        assertThat(Rfc3986.normalisedHttpUri(sent.getScheme(), sent.getHost(),
                sent.getPort() == -1 ? null : String.valueOf(sent.getPort()), sent.getRawPath()))
                .as("htu of %s, after RFC 3986 normalisation", target)
                .isEqualTo(target.withoutQueryAndFragment());
    }

    @Property(tries = 1000)
    void theHtuKeepsThePathAsSent(@ForAll("targets") Target target) {
        URI sent = URI.create(DPoPProofs.htu(target.uri()));

        assertThat(sent.getRawPath()).as("path of the htu of %s", target)
                .isEqualTo(target.path().isEmpty() ? "/" : target.path());
        assertThat(sent.getScheme()).isEqualToIgnoringCase(target.scheme());
        assertThat(sent.getHost()).isEqualToIgnoringCase(target.host());
        if (target.port() != null && !target.port().isEmpty()
                && !target.port().equals(target.scheme().equalsIgnoreCase("https") ? "443" : "80")) {
            assertThat(sent.getPort()).as("a port other than the default").isEqualTo(Integer.parseInt(target.port()));
        }
    }

    @Property(tries = 1000)
    void theHtuNeverCarriesTheUserinfo(@ForAll("targets") Target target) {
        String htu = DPoPProofs.htu(target.uri());

        assertThat(URI.create(htu).getRawUserInfo()).as("htu of %s", target).isNull();
        if (target.userinfo() != null && target.userinfo().contains(":pw-")) {
            assertThat(htu).doesNotContain(target.userinfo().substring(target.userinfo().indexOf(':') + 1));
        }
    }

    /**
     * Fails on the current code: the message quotes the raw authority, userinfo and all. RFC 3986 §3.2.1: what
     * follows the first ":" of a userinfo is not to be rendered as clear text.
     */
    @Property(tries = 300)
    void aTargetWithoutAHostNameIsRefusedWithoutShowingItsPassword(
            @ForAll("unnamedHosts") String host, @ForAll("passwords") String password, @ForAll("paths") String path) {
        URI target = URI.create("https://alice:" + password + "@" + host + path);

        Throwable thrown = catchThrowable(() -> DPoPProofs.htu(target));

        assertThat(thrown).as("htu of %s", target).isInstanceOfSatisfying(TokenException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_SETTING);
            assertThat(e.getMessage()).as("the message for %s", target).doesNotContain(password);
        });
    }

    @Provide
    Arbitrary<String> unnamedHosts() {
        // authorities java.net.URI keeps as registry-based: no host, so no htu can name them
        return Combinators.combine(Arbitraries.of("notes_service", "a..b", "-x.example", "x_y.example.com"),
                Arbitraries.of("", ":8080", ":443")).as(String::concat);
    }

    @Provide
    Arbitrary<String> passwords() {
        return passwordTexts();
    }

    @Provide
    Arbitrary<String> paths() {
        return pathTexts();
    }

    /**
     * Fails on the current code. A path with characters beyond ASCII (which {@link URI} accepts) is not an RFC 3986
     * URI; what goes on the wire is its percent-encoded UTF-8 form (RFC 3987 §3.1), which is what the JDK
     * {@code HttpClient} sends and what a server compares the htu with.
     */
    @Property(tries = 300)
    void theHtuOfAPathBeyondAsciiIsItsPercentEncodedForm(@ForAll("hosts") String host,
                                                         @ForAll("unicodePaths") String path) {
        URI target = URI.create("https://" + host + path);

        String htu = DPoPProofs.htu(target);

        assertThat(htu).as("htu of %s", target).matches("\\p{ASCII}*");
        assertThat(URI.create(htu).getRawPath()).isEqualTo(utf8PercentEncoded(path));
    }

    @Provide
    Arbitrary<String> hosts() {
        return hostTexts();
    }

    @Provide
    Arbitrary<String> unicodePaths() {
        Arbitrary<String> beyondAscii = Arbitraries.of("é", "ü", "日本", "\uD83D\uDE00", "ß", "ø");
        return Arbitraries.oneOf(pchars(), beyondAscii).list().ofMinSize(1).ofMaxSize(6)
                .filter(l -> l.stream().anyMatch(s -> s.chars().anyMatch(c -> c > 127)))
                .map(l -> "/" + String.join("", l));
    }

    private static String utf8PercentEncoded(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            out.append(b >= 0 ? String.valueOf((char) b) : String.format("%%%02X", b & 0xff));
        }
        return out.toString();
    }
}
