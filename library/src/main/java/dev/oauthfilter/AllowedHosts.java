package dev.oauthfilter;

import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where a client's tokens may be sent ({@code allowed-hosts}). Empty means anywhere the application sends requests
 * through the filter. An entry is
 * <ul>
 *   <li>a host name ({@code api.example.com}): that host, over {@code https} only (any port);</li>
 *   <li>a wildcard ({@code *.example.com}): its subdomains ({@code a.example.com}, {@code a.b.example.com}, never
 *       {@code example.com} itself nor {@code evilexample.com}), over {@code https} only;</li>
 *   <li>a base URI ({@code https://api.example.com/notes}, or {@code http://localhost:9080/api} for plain http):
 *       exactly that scheme, host and port, and a path equal to the base path or under it on a segment boundary,
 *       compared after dot-segments and percent-encoded dots are resolved, so that {@code /notes/../admin} and
 *       {@code /notes/%2e%2e/admin} are not under {@code /notes}. A path that some server or proxy on the way could
 *       read as another path is under no base: a segment that is a dot-segment once its {@code ;params} are removed
 *       ({@code /notes/..;/admin}, as Tomcat-style servers read it), or that holds an encoded {@code /} or
 *       {@code \} ({@code %2f}, {@code %5c}, which proxies may decode), any double-encoded octet ({@code %252e},
 *       also spelt {@code %25%32%65}) or overlong UTF-8 ({@code %c0%ae}), or an empty segment ({@code //}, merged
 *       away by Tomcat and nginx before they resolve {@code ..}); {@code %3b} counts as {@code ;}. Percent-encoded
 *       unreserved characters are compared decoded (RFC 3986 §6.2.2.2).</li>
 * </ul>
 *
 * <pre>{@code
 * AllowedHosts hosts = AllowedHosts.of(List.of("*.example.com", "https://notes.internal/api"));
 * hosts.allows(URI.create("https://api.example.com/x"));   // true
 * }</pre>
 */
final class AllowedHosts {

    // read differently along the way: an encoded slash or backslash or any double-encoded octet (%25 and two hex
    // digits) that a proxy decodes once more; an overlong UTF-8 form (%c0%ae is '.' to lax decoders); an empty
    // segment, which Tomcat and nginx merge away before they resolve "..", so that /notes//../x is /x to them
    private static final Pattern AMBIGUOUS = Pattern.compile("%(2f|5c|25[0-9a-f]{2}|c[01]|e0%[89]|f0%8)|//",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern HOST = Pattern.compile("(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?");

    private final List<String> entries;
    // parsed once: a request only compares
    private final List<String> hostPatterns = new ArrayList<>();
    private final List<URI> bases = new ArrayList<>();
    private final List<String> basePaths = new ArrayList<>();     // null: a base above the root, which contains nothing

    AllowedHosts(List<String> entries) {
        this.entries = List.copyOf(entries);
        for (String entry : this.entries) {
            if (entry.contains("://")) {
                URI base = URI.create(entry);
                bases.add(base);
                basePaths.add(normalised(base.getRawPath()));
            } else {
                hostPatterns.add(entry.toLowerCase(Locale.ROOT));
            }
        }
    }

    /**
     * @param entries host names, {@code *.domain} wildcards or http(s) base URIs
     * @return the allow list
     * @throws TokenException with {@link ErrorCode#INVALID_SETTING} for a malformed entry
     */
    static AllowedHosts of(List<String> entries) {
        for (String entry : entries) {
            String problem = problemWith(entry);
            if (problem != null) {
                throw TokenException.builder(ErrorCode.INVALID_SETTING).message("allowed-hosts: " + problem).build();
            }
        }
        return new AllowedHosts(entries);
    }

    /**
     * @param entry a would-be entry
     * @return what is wrong with it, or null when it is well formed
     */
    static String problemWith(String entry) {
        if (entry.contains("://")) {
            URI uri;
            try {
                uri = URI.create(entry);
            } catch (IllegalArgumentException e) {
                return "'" + entry + "' is not a URI";
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return uri.getHost() != null && (scheme.equals("https") || scheme.equals("http")) && uri.getQuery() == null
                    ? null : "'" + entry + "' must be an http(s) base URI with a host and no query";
        }
        return HOST.matcher(entry).matches() ? null
                : "'" + entry + "' must be a host name, *.domain or an http(s) base URI";
    }

    /** @return the entries, as given */
    List<String> entries() {
        return entries;
    }

    /**
     * @param target a request URI
     * @return whether a token may be sent there
     */
    boolean allows(URI target) {
        if (entries.isEmpty()) {
            return true;
        }
        if (target.getHost() == null) {
            return false;
        }
        if (!hostPatterns.isEmpty() && "https".equalsIgnoreCase(target.getScheme())) {
            String host = target.getHost().toLowerCase(Locale.ROOT);
            for (String pattern : hostPatterns) {
                if (hostMatches(pattern, host)) {
                    return true;
                }
            }
        }
        String path = null;
        for (int i = 0; i < bases.size(); i++) {
            URI base = bases.get(i);
            if (sameOrigin(base, target)) {
                path = path != null ? path : normalised(target.getRawPath());
                if (isUnder(path, basePaths.get(i))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean hostMatches(String pattern, String host) {
        // "*.example.com" -> ".example.com": a subdomain ends with it; "evilexample.com" does not
        return pattern.startsWith("*.") ? host.endsWith(pattern.substring(1)) : host.equals(pattern);
    }

    private static boolean isUnder(String path, String basePath) {
        if (basePath == null || path == null) {
            return false;
        }
        // on a segment boundary: /notes contains /notes and /notes/x, not /notes-admin
        return path.startsWith(basePath) && (path.length() == basePath.length() || basePath.endsWith("/")
                || path.charAt(basePath.length()) == '/');
    }

    /**
     * The path with percent-encoded dots decoded and dot-segments resolved (RFC 3986 §5.2.4); null when it climbs
     * above the root, or when a server or proxy could read it as another path (see the class comment), which no
     * base contains.
     */
    static String normalised(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return "/";
        }
        // RFC 3986 §6.2.2.2: a percent-encoded unreserved character is that character (%2e is '.', %6e is 'n')
        String path = decodeUnreserved(rawPath);
        if (AMBIGUOUS.matcher(path).find()) {
            return null;
        }
        Deque<String> segments = new ArrayDeque<>();
        String[] parts = path.split("/", -1);
        for (int i = 1; i < parts.length; i++) {
            String segment = parts[i];
            boolean last = i == parts.length - 1;
            // an encoded ';' is one to a proxy that decodes it
            String decodedParams = segment.replace("%3b", ";").replace("%3B", ";");
            int params = decodedParams.indexOf(';');
            String withoutParams = params < 0 ? segment : decodedParams.substring(0, params);
            if (params >= 0 && (withoutParams.equals(".") || withoutParams.equals(".."))) {
                // "..;x" is ".." to a server that strips path parameters, and a segment of its own to others
                return null;
            }
            if (segment.equals("..")) {
                if (segments.isEmpty()) {
                    return null;
                }
                segments.removeLast();
                if (last) {
                    segments.addLast("");
                }
            } else if (segment.equals(".")) {
                if (last) {
                    segments.addLast("");
                }
            } else {
                segments.addLast(segment);
            }
        }
        return "/" + String.join("/", segments);
    }

    private static String decodeUnreserved(String rawPath) {
        if (rawPath.indexOf('%') < 0) {
            return rawPath;
        }
        StringBuilder decoded = new StringBuilder(rawPath.length());
        for (int i = 0; i < rawPath.length(); i++) {
            char c = rawPath.charAt(i);
            int value = c == '%' && i + 2 < rawPath.length()
                    ? hexByte(rawPath.charAt(i + 1), rawPath.charAt(i + 2)) : -1;
            if (value >= 0 && isUnreserved((char) value)) {
                decoded.append((char) value);
                i += 2;
            } else {
                decoded.append(c);
            }
        }
        return decoded.toString();
    }

    private static int hexByte(char high, char low) {
        int h = Character.digit(high, 16);
        int l = Character.digit(low, 16);
        return h < 0 || l < 0 ? -1 : h * 16 + l;
    }

    private static boolean isUnreserved(char c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                || c == '_' || c == '~';
    }

    static int port(URI uri) {
        if (uri.getPort() != -1) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme() != null && a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost() != null
                && a.getHost().equalsIgnoreCase(b.getHost()) && port(a) == port(b);
    }
}
