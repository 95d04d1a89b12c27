package dev.oauthfilter.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every text a log record can put into a log file, and what those texts decode to. Texts are compared as bytes (one
 * char per UTF-8 byte), so that what a Base64 run or a percent escape decodes to compares with the forbidden values
 * whatever their charset.
 */
final class LogRecordTexts {

    // Both Base64 alphabets; '=' ends a run, as padding ends an encoding
    private static final Pattern BASE64_RUN = Pattern.compile("[A-Za-z0-9+/_-]{8,}");
    private static final SimpleFormatter FORMATTER = new SimpleFormatter();

    private LogRecordTexts() {
    }

    /** @return the formatted and the raw message, every parameter, and the whole thrown chain with its messages */
    static List<String> of(LogRecord record) {
        List<String> texts = new ArrayList<>();
        texts.add(safely(() -> FORMATTER.formatMessage(record)));
        texts.add(String.valueOf(record.getMessage()));
        if (record.getParameters() != null) {
            for (Object parameter : record.getParameters()) {
                texts.add(safely(() -> String.valueOf(parameter)));
            }
        }
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            texts.add(trace.toString());
            for (Throwable t : chain(record.getThrown())) {
                texts.add(safely(t::getMessage));
            }
        }
        return texts;
    }

    /** @return {@code text} as bytes, and percent-decoded when it holds an escape */
    static List<String> views(String text) {
        String bytes = bytes(text);
        return bytes.indexOf('%') < 0 ? List.of(bytes) : List.of(bytes, percentDecoded(bytes));
    }

    /**
     * @return what every Base64 run of {@code view} decodes to, read from each of its first four characters: a
     * value encoded after some other bytes starts anywhere in its run
     */
    static List<String> base64Decodings(String view) {
        List<String> decoded = new ArrayList<>();
        Matcher run = BASE64_RUN.matcher(view);
        while (run.find()) {
            String standard = run.group().replace('-', '+').replace('_', '/');
            for (int offset = 0; offset < 4; offset++) {
                String part = standard.substring(offset);
                if (part.length() % 4 == 1) {
                    part = part.substring(0, part.length() - 1);
                }
                decoded.add(new String(Base64.getDecoder().decode(part), StandardCharsets.ISO_8859_1));
            }
        }
        return decoded;
    }

    /** @return {@code text} as its UTF-8 bytes, one char per byte */
    static String bytes(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    private static String percentDecoded(String bytes) {
        StringBuilder out = new StringBuilder(bytes.length());
        for (int i = 0; i < bytes.length(); i++) {
            char c = bytes.charAt(i);
            if (c == '%' && i + 2 < bytes.length() && hex(bytes.charAt(i + 1)) >= 0 && hex(bytes.charAt(i + 2)) >= 0) {
                out.append((char) (hex(bytes.charAt(i + 1)) * 16 + hex(bytes.charAt(i + 2))));
                i += 2;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }

    private static List<Throwable> chain(Throwable thrown) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Throwable> pending = new ArrayDeque<>(List.of(thrown));
        while (!pending.isEmpty()) {
            Throwable t = pending.pop();
            if (seen.add(t)) {
                if (t.getCause() != null) {
                    pending.push(t.getCause());
                }
                pending.addAll(List.of(t.getSuppressed()));
            }
        }
        return new ArrayList<>(seen);
    }

    // A parameter's toString() may throw; the logging framework would then print the raw message instead
    private static String safely(java.util.function.Supplier<String> text) {
        try {
            return String.valueOf(text.get());
        } catch (RuntimeException e) {
            return "";
        }
    }
}
