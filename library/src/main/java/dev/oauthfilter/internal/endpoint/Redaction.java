package dev.oauthfilter.internal.endpoint;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What one token request sent that must never come back in a message or a log line, in every form the request sent
 * it: a value alone, form-encoded ({@code +} for a space) and percent-encoded (upper- and lower-case hex), and the
 * Base64 of {@code id:secret} (raw and form-encoded, standard and URL-safe alphabets) that Basic authentication
 * carries. A server that echoes the request in its {@code error_description} gets each form replaced.
 */
final class Redaction {

    static final Redaction NONE = new Redaction(List.of());
    private static final String REDACTED = "[redacted]";
    // shorter values are left alone: replacing a 3-character "secret" would mangle every message
    private static final int MIN_LENGTH = 4;
    private static final Pattern PERCENT_HEX = Pattern.compile("%[0-9A-F]{2}");

    private final List<String> forms;

    private Redaction(List<String> forms) {
        // longest first, so that a form containing another is replaced whole
        List<String> sorted = new ArrayList<>(forms);
        sorted.sort(Comparator.comparingInt(String::length).reversed());
        this.forms = List.copyOf(sorted);
    }

    /** @return a redaction of {@code values} (null ones skipped) in each of their encodings */
    static Redaction of(String... values) {
        List<String> forms = new ArrayList<>();
        for (String value : values) {
            if (value != null) {
                addEncodings(forms, value);
            }
        }
        return new Redaction(forms);
    }

    /** @return this redaction, and the Basic credentials of {@code id} and {@code secret} too */
    Redaction withBasic(String id, String secret) {
        List<String> more = new ArrayList<>(forms);
        addBase64(more, id + ":" + secret);
        addBase64(more, encode(id) + ":" + encode(secret));
        return new Redaction(more);
    }

    /** @return {@code text} with every form replaced by {@code [redacted]}; null for null */
    String apply(String text) {
        if (text == null) {
            return null;
        }
        String redacted = text;
        for (String form : forms) {
            redacted = redacted.replace(form, REDACTED);
        }
        return redacted;
    }

    private static void addEncodings(List<String> forms, String value) {
        String form = encode(value);
        String percent = form.replace("+", "%20");
        for (String each : List.of(value, form, percent, lowerHex(form), lowerHex(percent))) {
            addIfLongEnough(forms, each);
        }
    }

    // unpadded: a padded encoding contains the unpadded one
    private static void addBase64(List<String> forms, String credentials) {
        byte[] bytes = credentials.getBytes(StandardCharsets.UTF_8);
        addIfLongEnough(forms, Base64.getEncoder().withoutPadding().encodeToString(bytes));
        addIfLongEnough(forms, Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }

    private static void addIfLongEnough(List<String> forms, String form) {
        if (form.length() >= MIN_LENGTH && !forms.contains(form)) {
            forms.add(form);
        }
    }

    private static String lowerHex(String encoded) {
        return PERCENT_HEX.matcher(encoded).replaceAll(m -> m.group().toLowerCase(Locale.ROOT));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** Names how many forms it holds, never one of them. */
    @Override
    public String toString() {
        return "Redaction[" + forms.size() + " forms]";
    }
}
