package dev.oauthfilter.testing;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * What must appear in no log record, in every form it can take on the way to the token endpoint or the API: a client
 * secret also as the Base64 of {@code id:secret} (raw and RFC 6749 §2.3.1 form-encoded, standard and URL-safe
 * alphabet) and URL-encoded; a token with or without its {@code Bearer } prefix. Values are read when the capture
 * checks, so a supplier of the tokens a server issued sees every one of them.
 * <pre>{@code
 * LogCapture.forbidding(Forbidden.secret("billing", SECRET), Forbidden.tokens(() -> server.issuedTokens()))
 * }</pre>
 */
public final class Forbidden {

    /** One form of a forbidden value: the text to look for and what it is, for the failure message. */
    static final class Form {
        final String name;
        final String text;

        Form(String name, String text) {
            this.name = name;
            this.text = text;
        }

        /** Names the form without showing it. */
        @Override
        public String toString() {
            return name;
        }
    }

    private static final Pattern PERCENT_HEX = Pattern.compile("%[0-9A-F]{2}");

    private final Supplier<List<Form>> plain;
    private final Supplier<List<Form>> credentials;

    private Forbidden(Supplier<List<Form>> plain, Supplier<List<Form>> credentials) {
        this.plain = plain;
        this.credentials = credentials;
    }

    /** The secret of client {@code clientId}, alone, URL-encoded, and inside the Basic credentials. */
    public static Forbidden secret(String clientId, String secret) {
        String what = "secret of client '" + clientId + "'";
        return new Forbidden(() -> encoded(what, secret), () -> {
            List<Form> forms = new ArrayList<>();
            addBase64(forms, "base64(id:secret) of client '" + clientId + "'", clientId + ":" + secret);
            addBase64(forms, "base64(form(id):form(secret)) of client '" + clientId + "'",
                    formEncode(clientId) + ":" + formEncode(secret));
            return forms;
        });
    }

    /** Every token {@code tokens} gives at check time; the value alone also covers {@code Bearer <value>}. */
    public static Forbidden tokens(Supplier<? extends Collection<String>> tokens) {
        return values("token", tokens);
    }

    /** One token known in advance, such as a user's incoming bearer token. */
    public static Forbidden token(String token) {
        return tokens(() -> List.of(token));
    }

    /**
     * Secrets or tokens whose client ids are unknown: each alone and URL-encoded. The capture finds them in any
     * Base64 run of a record too, which covers {@code base64(id:secret)} for whatever id.
     */
    public static Forbidden values(String what, Supplier<? extends Collection<String>> values) {
        return new Forbidden(() -> {
            List<Form> forms = new ArrayList<>();
            for (String value : values.get()) {
                forms.addAll(encoded(what, value));
            }
            return forms;
        }, List::of);
    }

    /** @return the value itself and its URL encodings: never in a record, nor in what a Base64 run decodes to */
    List<Form> plain() {
        return plain.get();
    }

    /** @return the Base64 credentials built from the value, never in a record */
    List<Form> credentials() {
        return credentials.get();
    }

    private static List<Form> encoded(String what, String value) {
        String form = formEncode(value);
        String percent = form.replace("+", "%20");
        String lowerHex = PERCENT_HEX.matcher(percent).replaceAll(m -> m.group().toLowerCase(Locale.ROOT));
        List<Form> forms = new ArrayList<>(List.of(new Form(what, value)));
        addIfNew(forms, "form-encoded " + what, form);
        addIfNew(forms, "percent-encoded " + what, percent);
        addIfNew(forms, "lower-case percent-encoded " + what, lowerHex);
        return forms;
    }

    private static void addIfNew(List<Form> forms, String name, String text) {
        if (forms.stream().noneMatch(f -> f.text.equals(text))) {
            forms.add(new Form(name, text));
        }
    }

    // Unpadded only: a padded encoding contains the unpadded one, so finding the latter finds both.
    private static void addBase64(List<Form> forms, String what, String credentials) {
        byte[] bytes = credentials.getBytes(StandardCharsets.UTF_8);
        addIfNew(forms, what, Base64.getEncoder().withoutPadding().encodeToString(bytes));
        addIfNew(forms, "URL-safe " + what, Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }

    static String formEncode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
