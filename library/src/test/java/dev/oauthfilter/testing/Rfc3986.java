package dev.oauthfilter.testing;

import java.util.Locale;

/**
 * RFC 3986 as the property tests' reference, written from the RFC's text and nothing else: the normalisations of
 * §6.2.2 (case, percent-encoding, dot-segments) and §6.2.3 (scheme-based), and §5.2.4 {@code remove_dot_segments}
 * rule by rule. Deliberately naive: clear over fast.
 */
public final class Rfc3986 {

    private Rfc3986() {
    }

    /** What §5.2.4 made of a path, and whether a ".." met the root (where the RFC stops it without complaint). */
    public record Resolution(String path, boolean climbedAboveRoot) {
    }

    /**
     * §6.2.2.2 and §6.2.2.1: a percent-encoded unreserved character (ALPHA / DIGIT / "-" / "." / "_" / "~") is that
     * character; every other triplet stays encoded, with upper-case hex digits.
     */
    public static String decodeUnreserved(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' && i + 2 < text.length() && isHex(text.charAt(i + 1)) && isHex(text.charAt(i + 2))) {
                String hex = text.substring(i + 1, i + 3);
                char decoded = (char) Integer.parseInt(hex, 16);
                out.append(isUnreserved(decoded) ? String.valueOf(decoded) : "%" + hex.toUpperCase(Locale.ROOT));
                i += 2;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** §5.2.4, rule by rule (the letters are the RFC's). */
    public static Resolution removeDotSegments(String path) {
        String input = path;
        StringBuilder output = new StringBuilder();
        boolean climbed = false;
        while (!input.isEmpty()) {
            if (input.startsWith("../")) {                                        // A
                input = input.substring(3);
            } else if (input.startsWith("./")) {                                  // A
                input = input.substring(2);
            } else if (input.startsWith("/./")) {                                 // B
                input = input.substring(2);
            } else if (input.equals("/.")) {                                      // B
                input = "/";
            } else if (input.startsWith("/../") || input.equals("/..")) {         // C
                input = input.equals("/..") ? "/" : input.substring(3);
                climbed |= output.length() == 0;
                output.setLength(Math.max(output.lastIndexOf("/"), 0));
            } else if (input.equals(".") || input.equals("..")) {                 // D
                input = "";
            } else {                                                              // E
                int end = input.indexOf('/', input.startsWith("/") ? 1 : 0);
                end = end < 0 ? input.length() : end;
                output.append(input, 0, end);
                input = input.substring(end);
            }
        }
        return new Resolution(output.toString(), climbed);
    }

    /**
     * §6.2.2 and §6.2.3 for an http(s) URI given as parts: the result compares equal for equivalent URIs.
     *
     * @param scheme http or https, any case
     * @param host   a host name or IP literal, any case
     * @param port   the port as written (null when the URI has none, "" for an empty one)
     * @param path   the path as written, percent-encodings included
     */
    public static String normalisedHttpUri(String scheme, String host, String port, String path) {
        String lowerScheme = scheme.toLowerCase(Locale.ROOT);
        String defaultPort = lowerScheme.equals("https") ? "443" : "80";
        boolean noPort = port == null || port.isEmpty() || port.equals(defaultPort);
        String normalisedPath = removeDotSegments(decodeUnreserved(path.isEmpty() ? "/" : path)).path();
        return lowerScheme + "://" + decodeUnreserved(host).toLowerCase(Locale.ROOT) + (noPort ? "" : ":" + port)
                + normalisedPath;
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }

    private static boolean isUnreserved(char c) {
        return c < 128 && (Character.isLetterOrDigit(c) || "-._~".indexOf(c) >= 0);
    }
}
