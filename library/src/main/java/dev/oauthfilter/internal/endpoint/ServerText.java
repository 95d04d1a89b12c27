package dev.oauthfilter.internal.endpoint;

/**
 * Text that a server sent (an issuer, a token type, a URI from metadata), made fit for a message or a log line:
 * control characters (CR, LF, ...) become spaces, so that nothing can forge a log line, and the length is capped.
 */
final class ServerText {

    static final int MAX_LENGTH = 120;

    private ServerText() {
    }

    /**
     * @param text what the server sent, or null
     * @return it, cleaned and capped; {@code ""} for null
     */
    static String clean(Object text) {
        if (text == null) {
            return "";
        }
        String clean = text.toString().replaceAll("[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}]", " ");
        return clean.length() <= MAX_LENGTH ? clean : clean.substring(0, MAX_LENGTH) + "...";
    }
}
