package dev.oauthfilter;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where a client's tokens may be sent ({@code allowed-hosts}): host names ({@code api.example.com}), host wildcards
 * ({@code *.example.com}) or base URIs ({@code https://api.example.com/notes}: same scheme, host and port, and a
 * path under it). Empty means anywhere the application sends requests through the filter.
 *
 * <pre>{@code
 * AllowedHosts hosts = AllowedHosts.of(List.of("*.example.com", "https://notes.internal/api"));
 * hosts.allows(URI.create("https://api.example.com/x"));   // true
 * }</pre>
 */
public final class AllowedHosts {

    private static final Pattern HOST = Pattern.compile("(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?");

    private final List<String> entries;

    AllowedHosts(List<String> entries) {
        this.entries = List.copyOf(entries);
    }

    /**
     * @param entries host names, {@code *.domain} wildcards or http(s) base URIs
     * @return the allow list
     * @throws TokenException with {@link ErrorCode#INVALID_SETTING} for a malformed entry
     */
    public static AllowedHosts of(List<String> entries) {
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
    public static String problemWith(String entry) {
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
    public List<String> entries() {
        return entries;
    }

    /**
     * @param target a request URI
     * @return whether a token may be sent there
     */
    public boolean allows(URI target) {
        if (entries.isEmpty()) {
            return true;
        }
        String host = target.getHost() == null ? "" : target.getHost().toLowerCase(Locale.ROOT);
        for (String entry : entries) {
            if (entry.contains("://") ? underBase(URI.create(entry), target) : hostMatches(entry.toLowerCase(Locale.ROOT), host)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hostMatches(String pattern, String host) {
        return pattern.startsWith("*.") ? host.endsWith(pattern.substring(1)) : host.equals(pattern);
    }

    private static boolean underBase(URI base, URI target) {
        if (!base.getScheme().equalsIgnoreCase(target.getScheme()) || !base.getHost().equalsIgnoreCase(target.getHost())
                || port(base) != port(target)) {
            return false;
        }
        String basePath = base.getRawPath() == null || base.getRawPath().isEmpty() ? "/" : base.getRawPath();
        String path = target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath();
        String prefix = basePath.endsWith("/") ? basePath : basePath + "/";
        return path.equals(basePath) || path.startsWith(prefix);
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
