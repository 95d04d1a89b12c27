package dev.oauthfilter.testing;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Looks for forbidden values ({@link Forbidden}) in texts, in every form: literally, URL-encoded, once
 * percent-decoded, and inside any Base64 run (read from each of its first four characters), which covers
 * {@code base64(id:secret)} even where the client id is unknown. What a log record, a span or a metric shows is
 * searched alike ({@link LogCapture}, {@link TelemetryCapture}).
 */
final class ForbiddenSearch {

    private final List<Forbidden.Form> plain = new ArrayList<>();
    private final List<Forbidden.Form> literal = new ArrayList<>();

    /** @param forbidden the values, read now (a supplier of issued tokens gives those issued so far) */
    ForbiddenSearch(List<Forbidden> forbidden) {
        for (Forbidden f : forbidden) {
            plain.addAll(f.plain());
            literal.addAll(f.plain());
            literal.addAll(f.credentials());
        }
    }

    /** @return what was found in {@code texts}, each described without showing it */
    Set<String> in(List<String> texts) {
        Set<String> found = new LinkedHashSet<>();
        for (String text : texts) {
            for (String view : LogRecordTexts.views(text)) {
                for (Forbidden.Form form : literal) {
                    if (view.contains(LogRecordTexts.bytes(form.text))) {
                        found.add("the " + form);
                    }
                }
                for (String decoded : LogRecordTexts.base64Decodings(view)) {
                    for (Forbidden.Form form : plain) {
                        if (decoded.contains(LogRecordTexts.bytes(form.text))) {
                            found.add("Base64 of text holding the " + form);
                        }
                    }
                }
            }
        }
        return found;
    }
}
