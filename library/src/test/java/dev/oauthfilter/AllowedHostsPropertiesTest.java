package dev.oauthfilter;

import dev.oauthfilter.testing.Rfc3986;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generated allow lists and request targets, judged by a reference written from RFC 3986 and RFC 9110 instead of
 * from {@link AllowedHosts}: schemes and host names compare without regard to case (RFC 3986 §6.2.2.1), a port left
 * out is the scheme's default (§6.2.3, RFC 9110 §4.2), percent-encoded unreserved characters are those characters
 * (§6.2.2.2), and dot-segments go by the algorithm of §5.2.4, written out rule by rule in {@link Rfc3986}.
 *
 * <p>What these properties prove: no target gets through that the reference puts outside every entry, whatever mix
 * of names, {@code .}, {@code ..}, {@code %2e}, empty segments, ports, look-alike hosts and queries it is made of; on
 * paths whose only percent-encodings are dots the allow list and the reference agree both ways; a path that climbs
 * out of its base is refused; the case of a scheme or host never changes an answer; a wildcard never matches its own
 * domain nor a look-alike; a host entry ignores the path. And the stricter rule for base entries: a segment that is a
 * dot-segment once its {@code ;params} are cut off ({@code ..;}, {@code ..;jsessionid=1}), or that carries an encoded
 * {@code /} or {@code \} ({@code %2f}, {@code %5c}) or a double-encoded dot, slash or backslash ({@code %252e}), keeps
 * the target out of every base: servers that drop path parameters or decode twice would see {@code ..} there.
 */
class AllowedHostsPropertiesTest {

    // ---------------------------------------------------------------------------------------------------------------
    // What is generated: entries and targets as parts, so that the reference never has to parse what it judges

    /** An {@code allowed-hosts} entry. */
    sealed interface Entry permits HostEntry, WildcardEntry, BaseEntry {
        String text();
    }

    record HostEntry(String host) implements Entry {
        @Override
        public String text() {
            return host;
        }

        @Override
        public String toString() {
            return text();
        }
    }

    record WildcardEntry(String domain) implements Entry {
        @Override
        public String text() {
            return "*." + domain;
        }

        @Override
        public String toString() {
            return text();
        }
    }

    record BaseEntry(String scheme, String host, Integer port, String path) implements Entry {
        @Override
        public String text() {
            return scheme + "://" + host + (port == null ? "" : ":" + port) + path;
        }

        @Override
        public String toString() {
            return text();
        }
    }

    record Target(String scheme, String host, Integer port, String path, String query) {
        URI uri() {
            return URI.create(scheme + "://" + host + (port == null ? "" : ":" + port) + path
                    + (query == null ? "" : "?" + query));
        }

        @Override
        public String toString() {
            return uri().toString();
        }
    }

    private static boolean allows(List<? extends Entry> entries, Target target) {
        return AllowedHosts.of(entries.stream().map(Entry::text).toList()).allows(target.uri());
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The reference

    /** What the RFCs say, and the allow list's documented rules on top of them; nothing here is read off the code. */
    static final class Reference {

        private Reference() {
        }

        static boolean allows(List<? extends Entry> entries, Target target) {
            return entries.stream().anyMatch(entry -> allows(entry, target));
        }

        static boolean allows(Entry entry, Target target) {
            if (entry instanceof HostEntry host) {
                // a bare host: that host, over https only (RFC 6750 §5.3: bearer tokens only over TLS)
                return isHttps(target.scheme()) && sameHost(host.host(), target.host());
            }
            if (entry instanceof WildcardEntry wildcard) {
                // one or more labels, then ".", then the domain; the domain itself is not a subdomain of itself
                String host = target.host().toLowerCase(Locale.ROOT);
                String suffix = "." + wildcard.domain().toLowerCase(Locale.ROOT);
                return isHttps(target.scheme()) && host.endsWith(suffix) && host.length() > suffix.length();
            }
            BaseEntry base = (BaseEntry) entry;
            return base.scheme().equalsIgnoreCase(target.scheme()) && sameHost(base.host(), target.host())
                    && port(base.scheme(), base.port()) == port(target.scheme(), target.port())
                    && !hidesADotSegmentOrASlash(target.path())
                    && under(resolved(target.path()), resolved(base.path()));
        }

        /**
         * Host names compare as text without regard to case (RFC 3986 §6.2.2.1). A trailing dot is not dropped:
         * §6.2.2 has no such step, and {@code example.com.} is another Host header, SNI name and certificate match.
         */
        static boolean sameHost(String a, String b) {
            return a.equalsIgnoreCase(b);
        }

        static boolean isHttps(String scheme) {
            return scheme.equalsIgnoreCase("https");
        }

        /** RFC 9110 §4.2.1 and §4.2.2: 80 for http, 443 for https, when the URI names none. */
        static int port(String scheme, Integer port) {
            return port != null ? port : isHttps(scheme) ? 443 : 80;
        }

        /**
         * The path after RFC 3986 §6.2 normalisation: empty is "/" (§6.2.3), unreserved characters decoded, then
         * §5.2.4; empty when a ".." meets the root, where the RFC stops it and the allow list documents that such a
         * path is under no base.
         */
        static Optional<String> resolved(String rawPath) {
            Rfc3986.Resolution resolution = Rfc3986.removeDotSegments(
                    Rfc3986.decodeUnreserved(rawPath.isEmpty() ? "/" : rawPath));
            return resolution.climbedAboveRoot() ? Optional.empty() : Optional.of(resolution.path());
        }

        /**
         * Under a base on a segment boundary: the base's segments start the target's; a base ending in "/" names a
         * directory, which holds what has at least one more segment ("/notes/" holds "/notes/" and "/notes/1", not
         * "/notes").
         */
        static boolean under(Optional<String> target, Optional<String> base) {
            if (target.isEmpty() || base.isEmpty()) {
                return false;
            }
            List<String> t = segments(target.get());
            List<String> b = segments(base.get());
            if (base.get().endsWith("/")) {
                List<String> directory = b.subList(0, b.size() - 1);
                return t.size() > directory.size() && t.subList(0, directory.size()).equals(directory);
            }
            return t.size() >= b.size() && t.subList(0, b.size()).equals(b);
        }

        private static List<String> segments(String absolutePath) {
            return Arrays.asList(absolutePath.substring(1).split("/", -1));
        }

        /**
         * The stricter rule for base entries, on each segment after §6.2.2 normalisation (so that every RFC 3986
         * spelling of a character counts): a dot-segment once its {@code ;params} (also {@code %3B}) are cut off, an
         * encoded slash or backslash, any double-encoded octet ({@code %25} and two hex digits), an overlong UTF-8
         * lead ({@code %C0}, {@code %C1}, {@code %E0%8x}/{@code %E0%9x}, {@code %F0%8x}), or an empty segment
         * between two others ({@code //}: Tomcat and nginx merge it before resolving {@code ..}).
         */
        static boolean hidesADotSegmentOrASlash(String rawPath) {
            String[] segments = rawPath.split("/", -1);
            for (int i = 0; i < segments.length; i++) {
                String segment = Rfc3986.decodeUnreserved(segments[i]);
                if (segment.isEmpty() && i > 0 && i < segments.length - 1) {
                    return true;
                }
                String upper = segment.toUpperCase(Locale.ROOT);
                int params = upper.replace("%3B", ";").indexOf(';');
                String name = params < 0 ? null : upper.replace("%3B", ";").substring(0, params);
                if (".".equals(name) || "..".equals(name)) {
                    return true;
                }
                if (upper.matches(".*(%2F|%5C|%25[0-9A-F]{2}|%C0|%C1|%E0%[89]|%F0%8).*")) {
                    return true;
                }
            }
            return false;
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Generators

    private static final List<String> NAMES = List.of("notes", "admin", "a", "b", "api", "v1", "notes-admin", "1",
            "x.y", "...", ".a", "a.", "~u", "");
    private static final List<String> DOT_SEGMENTS = List.of(".", "..", "%2e", "%2E", "%2e%2e", "%2E%2E", ".%2e",
            "%2e.", "%2E%2e", ".%2E");
    private static final List<String> CLIMBS = List.of("..", "%2e%2e", "%2E%2E", ".%2e", "%2e.", "%2E%2e");
    /** Names with parameters that are no dot-segment: left to the ordinary rules. */
    private static final List<String> PARAMETERS = List.of("notes;v=1", "a;", ";x", "admin;p=..");
    /** Unreserved characters other than the dot, percent-encoded: equal to the plain ones for the RFC. */
    private static final List<String> OTHER_ENCODINGS = List.of("%6eotes", "%61", "%7E", "%2D", "%41dmin");
    /** The stricter rule, in the spellings it names. */
    private static final List<String> HIDING = List.of("..;", "..;jsessionid=1", ".;", "%2e%2e;x", ".%2E;a=b",
            "%2e;", "..;a;b", "%2f", "%2F", "a%2fb", "..%2f", "%2e%2e%2F", "%5c", "%5C", "..%5c", "a%5Cb", "%252e",
            "%252E", "%252e%252e", "%252f", "%252F", "%255c", "%255C", ".%252e", "%252E%252E");
    /** Double encodings in other RFC 3986 spellings: "%25%32%65" is "%252e" with its "2" and "e" encoded. */
    private static final List<String> HIDING_RESPELLED = List.of("%25%32%65", "%25%32%45", "%25%32%66",
            "%25%32%46", "%25%35%63", "%25%35%43", "%25%32%65%25%32%65", "%25%32e", "%252%65", "%25%32%45.");

    private static final List<String> BASE_PATHS = List.of("", "/", "/notes", "/notes/", "/notes/a", "/api/v1",
            "/a/../notes", "/notes/./", "/../notes");
    private static final List<String> CLIMB_FREE_BASE_PATHS = List.of("", "/", "/notes", "/notes/", "/notes/a",
            "/api/v1", "/a/../notes", "/notes/./");

    /** Flips the case of the characters whose bit is set in the mask (which shrinks to 0: as written). */
    private static String recased(String text, long mask) {
        StringBuilder out = new StringBuilder(text);
        for (int i = 0; i < out.length(); i++) {
            if ((mask >>> (i % 64) & 1) == 1) {
                char c = out.charAt(i);
                out.setCharAt(i, Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c));
            }
        }
        return out.toString();
    }

    private static Arbitrary<String> mixedCase(Arbitrary<String> text) {
        return Combinators.combine(text, Arbitraries.longs()).as(AllowedHostsPropertiesTest::recased);
    }

    private static Arbitrary<Integer> ports() {
        return Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.of(443)), Tuple.of(1, Arbitraries.of(80, 8443, 9080)))
                .injectNull(0.5);
    }

    private static Arbitrary<String> schemes() {
        return mixedCase(Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just("https")),
                Tuple.of(1, Arbitraries.just("http"))));
    }

    private static Arbitrary<String> labels() {
        return Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(5);
    }

    /** Hosts near the entries' hosts: the same, subdomains, look-alikes on either side, a trailing dot. */
    private static Arbitrary<String> hosts() {
        Arbitrary<String> domains = Arbitraries.of("example.com", "api.example.com", "notes.internal", "localhost");
        return mixedCase(Combinators.combine(domains, labels(), Arbitraries.integers().between(0, 9))
                .as((domain, label, shape) -> switch (shape) {
                    case 4 -> label + "." + domain;
                    case 5 -> label + ".a." + domain;
                    case 6 -> label + domain;                       // evilexample.com
                    case 7 -> domain + "." + label;                 // example.com.evil
                    case 8 -> domain + ".";
                    case 9 -> label + "-" + domain;
                    default -> domain;
                }));
    }

    private static Arbitrary<String> paths(Arbitrary<String> segment) {
        Arbitrary<String> prefixes = Arbitraries.of("", "/notes", "/notes/a", "/api/v1", "/api", "/admin");
        return Combinators.combine(prefixes, segment.list().ofMaxSize(6), Arbitraries.of(false, true))
                .as((prefix, segments, slash) -> prefix + slashed(segments) + (slash ? "/" : ""));
    }

    private static Arbitrary<String> queries() {
        return Arbitraries.of("a=1", "next=/../admin", "x=%2e%2e/", "/notes/..", "p=..;").injectNull(0.6);
    }

    private static Arbitrary<Target> targets(Arbitrary<String> segment) {
        return Combinators.combine(schemes(), hosts(), ports(), paths(segment), queries()).as(Target::new);
    }

    @Provide
    Arbitrary<Target> anyTarget() {
        return targets(Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.of(NAMES)),
                Tuple.of(4, Arbitraries.of(DOT_SEGMENTS)), Tuple.of(2, Arbitraries.of(HIDING)),
                Tuple.of(1, Arbitraries.of(PARAMETERS)), Tuple.of(1, Arbitraries.of(OTHER_ENCODINGS))));
    }

    @Provide
    Arbitrary<Target> plainTarget() {
        return targets(Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.of(NAMES)),
                Tuple.of(4, Arbitraries.of(DOT_SEGMENTS)), Tuple.of(1, Arbitraries.of(PARAMETERS))));
    }

    @Provide
    Arbitrary<String> anyPath() {
        return paths(Arbitraries.oneOf(Arbitraries.of(NAMES), Arbitraries.of(DOT_SEGMENTS), Arbitraries.of(HIDING),
                Arbitraries.of(HIDING_RESPELLED), Arbitraries.of(OTHER_ENCODINGS)));
    }

    private static Arbitrary<BaseEntry> baseEntries(List<String> paths) {
        return Combinators.combine(schemes(), mixedCase(Arbitraries.of("api.example.com", "notes.internal",
                "localhost")), ports(), Arbitraries.of(paths)).as(BaseEntry::new);
    }

    @Provide
    Arbitrary<BaseEntry> climbFreeBase() {
        return baseEntries(CLIMB_FREE_BASE_PATHS);
    }

    @Provide
    Arbitrary<HostEntry> hostEntry() {
        return mixedCase(Arbitraries.of("api.example.com", "example.com", "notes.internal", "localhost"))
                .map(HostEntry::new);
    }

    @Provide
    Arbitrary<List<Entry>> entries() {
        Arbitrary<Entry> wildcard = mixedCase(Arbitraries.of("example.com", "internal", "api.example.com"))
                .map(WildcardEntry::new);
        Arbitrary<Entry> entry = Arbitraries.frequencyOf(Tuple.of(1, hostEntry()), Tuple.of(1, wildcard),
                Tuple.of(3, baseEntries(BASE_PATHS)));
        return entry.list().ofMinSize(1).ofMaxSize(3);
    }

    @Provide
    Arbitrary<String> domain() {
        return labels().list().ofMinSize(1).ofMaxSize(3).map(l -> String.join(".", l));
    }

    @Provide
    Arbitrary<List<String>> names() {
        return Arbitraries.of("notes", "a", "b", "admin", "1", "x.y").list().ofMaxSize(3);
    }

    @Provide
    Arbitrary<Integer> port() {
        return ports();
    }

    @Provide
    Arbitrary<String> hiding() {
        return Arbitraries.of(HIDING);
    }

    @Provide
    Arbitrary<String> hidingRespelled() {
        return Arbitraries.of(HIDING_RESPELLED);
    }

    @Provide
    Arbitrary<List<String>> climbs() {
        return Arbitraries.of(CLIMBS).list().ofMinSize(1).ofMaxSize(4);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Properties

    // Fails on the code before the stricter rule: "..;" and the encoded slashes are plain segments to it.
    @Property(tries = 2000)
    void noTargetIsAllowedThatTheReferencePutsOutsideEveryEntry(@ForAll("entries") List<Entry> entries,
                                                                @ForAll("anyTarget") Target target) {
        boolean allowed = allows(entries, target);
        Statistics.label("allowed").collect(allowed)
                .coverage(c -> c.check(true).percentage(p -> p >= 2));

        if (allowed) {
            assertThat(Reference.allows(entries, target))
                    .as("%s lets %s through, which the reference puts outside every entry", entries, target).isTrue();
        }
    }

    @Property(tries = 2000)
    void onPathsWhoseOnlyEncodingsAreDotsTheAllowListAgreesWithTheReference(
            @ForAll("entries") List<Entry> entries, @ForAll("plainTarget") Target target) {
        boolean expected = Reference.allows(entries, target);
        Statistics.label("allowed by the reference").collect(expected)
                .coverage(c -> c.check(true).percentage(p -> p >= 2));

        assertThat(allows(entries, target)).as("%s allows %s", entries, target).isEqualTo(expected);
    }

    // Fails on the code before the stricter rule.
    @Property(tries = 1000)
    void aSegmentThatHidesADotSegmentOrASlashKeepsTheTargetOutOfItsBase(
            @ForAll("climbFreeBase") BaseEntry base, @ForAll("names") List<String> before,
            @ForAll("names") List<String> after, @ForAll("hiding") String hiding) {
        Target target = under(base, before, hiding, after);
        assertThat(Reference.under(Reference.resolved(target.path()), Reference.resolved(base.path())))
                .as("generator: %s is under %s by §5.2.4 alone", target, base).isTrue();

        assertThat(allows(List.of(base), target)).as("%s allows %s", base, target).isFalse();
    }

    // Beyond the spellings the rule names: every RFC 3986 spelling of "%252e" is the same double-encoded dot.
    @Property(tries = 500)
    void aDoubleEncodingKeepsTheTargetOutOfItsBaseInEverySpelling(
            @ForAll("climbFreeBase") BaseEntry base, @ForAll("names") List<String> before,
            @ForAll("names") List<String> after, @ForAll("hidingRespelled") String hiding) {
        Target target = under(base, before, hiding, after);
        assertThat(Reference.under(Reference.resolved(target.path()), Reference.resolved(base.path())))
                .as("generator: %s is under %s by §5.2.4 alone", target, base).isTrue();

        assertThat(allows(List.of(base), target)).as("%s allows %s", base, target).isFalse();
    }

    private static Target under(BaseEntry base, List<String> before, String middle, List<String> after) {
        List<String> segments = new ArrayList<>(before);
        segments.add(middle);
        segments.addAll(after);
        return below(base, segments);
    }

    /** The base's origin, its path and then these segments. */
    private static Target below(BaseEntry base, List<String> segments) {
        String basePath = base.path().endsWith("/") ? base.path().substring(0, base.path().length() - 1)
                : base.path();
        return new Target(base.scheme(), base.host(), base.port(), basePath + slashed(segments), null);
    }

    private static String slashed(List<String> segments) {
        return String.join("", segments.stream().map(s -> "/" + s).toList());
    }

    @Property(tries = 1000)
    void aPathThatClimbsOutOfItsBaseIsNeverAllowed(@ForAll("climbFreeBase") BaseEntry base,
                                                   @ForAll("names") List<String> down,
                                                   @ForAll("climbs") List<String> up,
                                                   @ForAll("names") List<String> tail) {
        List<String> segments = new ArrayList<>(down);
        // one ".." more than the names it can take back, interleaved with "." (which changes nothing)
        for (int i = 0; i <= down.size(); i++) {
            segments.add(up.get(i % up.size()));
            if (i % 2 == 1) {
                segments.add(".");
            }
        }
        segments.add("admin");    // out of every base generated: no base path starts with it
        segments.addAll(tail);
        Target target = below(base, segments);
        assertThat(Reference.under(Reference.resolved(target.path()), Reference.resolved(base.path())))
                .as("generator: %s climbs out of %s", target, base).isFalse();

        assertThat(allows(List.of(base), target)).as("%s allows %s", base, target).isFalse();
    }

    @Property(tries = 1000)
    void theCaseOfSchemesAndHostsNeverChangesTheAnswer(@ForAll("entries") List<Entry> entries,
                                                       @ForAll("anyTarget") Target target,
                                                       @ForAll long entryCase, @ForAll long targetCase) {
        List<Entry> recasedEntries = entries.stream().map(e -> recased(e, entryCase)).toList();
        Target recasedTarget = new Target(recased(target.scheme(), targetCase), recased(target.host(), targetCase),
                target.port(), target.path(), target.query());

        assertThat(allows(recasedEntries, recasedTarget)).as("%s for %s", recasedEntries, recasedTarget)
                .isEqualTo(allows(entries, target));
    }

    private static Entry recased(Entry entry, long mask) {
        if (entry instanceof HostEntry host) {
            return new HostEntry(recased(host.host(), mask));
        }
        if (entry instanceof WildcardEntry wildcard) {
            return new WildcardEntry(recased(wildcard.domain(), mask));
        }
        BaseEntry base = (BaseEntry) entry;
        return new BaseEntry(recased(base.scheme(), mask), recased(base.host(), mask), base.port(), base.path());
    }

    @Property(tries = 1000)
    void aWildcardMatchesSubdomainsOverHttpsAndNeverItsDomainNorALookAlike(
            @ForAll("domain") String domain, @ForAll("domain") String label, @ForAll("port") Integer port,
            @ForAll long targetCase) {
        String suffixed = domain + ".evil" + label;
        Assume.that(!suffixed.endsWith("." + domain));    // "evilx.evilx" is a subdomain of "evilx"
        List<WildcardEntry> wildcard = List.of(new WildcardEntry(domain));
        String at = port == null ? "" : ":" + port;
        Function<String, Target> https = host ->
                new Target("https", recased(host, targetCase), port, "/x", null);

        assertThat(allows(wildcard, https.apply(label + "." + domain))).as("a subdomain").isTrue();
        assertThat(allows(wildcard, https.apply(domain))).as("the domain itself").isFalse();
        assertThat(allows(wildcard, https.apply(label + domain))).as("a prefix glued to it").isFalse();
        assertThat(allows(wildcard, https.apply(suffixed))).as("a suffix after it").isFalse();
        assertThat(allows(wildcard, https.apply(label + "-" + domain))).as("a hyphenated look-alike").isFalse();
        assertThat(allows(wildcard, new Target("http", label + "." + domain, port, "/x", null)))
                .as("plain http%s", at).isFalse();
    }

    @Property(tries = 500)
    void aHostEntryAllowsItsHostOverHttpsWhateverThePath(@ForAll("hostEntry") HostEntry entry,
                                                         @ForAll("anyPath") String path, @ForAll("port") Integer port,
                                                         @ForAll long targetCase) {
        Target target = new Target(recased("https", targetCase), recased(entry.host(), targetCase), port, path,
                null);

        assertThat(allows(List.of(entry), target)).as("%s allows %s", entry, target).isTrue();
    }
}
