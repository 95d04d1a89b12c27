package dev.oauthfilter.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Captures every record the library logs, at every level, so that tests can assert what is absent: no secret and no
 * token, in any form ({@link Forbidden}), in a record's formatted or raw message, its parameters, or the messages and
 * stack trace of what it threw. A forbidden value is found literally, URL-encoded, and inside any Base64 run of a
 * record (also once percent-decoded), which covers {@code base64(id:secret)} even where the client id is unknown.
 * Register it with {@code @RegisterExtension}:
 * <pre>{@code
 * final LogCapture logs = LogCapture.forbidding(Forbidden.secret("billing", SECRET),
 *         Forbidden.tokens(() -> server.issuedTokens()));
 * }</pre>
 * On an instance field it captures each test and checks after it; on a static field, the whole class (what
 * {@code @BeforeAll} and a CDI container do as well), checking after each test and again after the class. A test
 * that talks to a token endpoint gets one from {@link TokenServerExtension}, which also forbids the tokens its
 * servers issued and checks only once the test's token caches and their threads are done.
 */
public final class LogCapture implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    private static final Logger LIBRARY = Logger.getLogger("dev.oauthfilter");
    private final List<LogRecord> records = Collections.synchronizedList(new ArrayList<>());
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final List<Forbidden> forbidden;
    private boolean wholeClass;
    private int checked;
    private Level previous;

    private LogCapture(List<Forbidden> forbidden) {
        this.forbidden = forbidden;
    }

    /** A capture that, after each test, fails it if any record holds one of {@code forbidden} in any form. */
    public static LogCapture forbidding(Forbidden... forbidden) {
        return new LogCapture(List.of(forbidden));
    }

    /**
     * A capture that fails a test if any record holds one of the values {@code forbidden} gives then (the secrets
     * configured and the tokens the server issued), literally, URL-encoded or inside Base64.
     */
    public static LogCapture forbidding(Supplier<Collection<String>> forbidden) {
        return forbidding(Forbidden.values("secret or token", forbidden));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        wholeClass = true;
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
        assertNothingForbiddenSinceLastCheck();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!wholeClass) {
            start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!wholeClass) {
            stop();
        }
        assertNothingForbiddenSinceLastCheck();
    }

    private void start() {
        records.clear();
        checked = 0;
        previous = LIBRARY.getLevel();
        LIBRARY.setLevel(Level.ALL);
        handler.setLevel(Level.ALL);
        LIBRARY.addHandler(handler);
    }

    private void stop() {
        LIBRARY.removeHandler(handler);
        LIBRARY.setLevel(previous);
    }

    private void assertNothingForbiddenSinceLastCheck() {
        List<LogRecord> all = snapshot();
        List<LogRecord> unchecked = all.subList(checked, all.size());
        checked = all.size();
        assertNothingForbidden(unchecked, forbidden);
    }

    /** @return every captured line, fully formatted, with the messages of the thrown chain */
    public List<String> lines() {
        SimpleFormatter formatter = new SimpleFormatter();
        List<String> lines = new ArrayList<>();
        for (LogRecord record : snapshot()) {
            StringBuilder line = new StringBuilder(record.getLevel() + " " + formatter.formatMessage(record));
            for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
                line.append(" | ").append(t);
            }
            lines.add(line.toString());
        }
        return lines;
    }

    /** Asserts that no captured record holds any of {@code values}, in any of the forms a value without id takes. */
    public void assertNoneContain(Iterable<String> values) {
        List<String> list = new ArrayList<>();
        values.forEach(list::add);
        assertNothingForbidden(snapshot(), List.of(Forbidden.values("secret or token", () -> list)));
    }

    /** @return {@code values} and {@code more} in one list, for {@link #forbidding(Supplier)} */
    public static List<String> all(Collection<String> values, String... more) {
        List<String> all = new ArrayList<>(values);
        all.addAll(List.of(more));
        return all;
    }

    private List<LogRecord> snapshot() {
        synchronized (records) {
            return new ArrayList<>(records);
        }
    }

    private static void assertNothingForbidden(List<LogRecord> records, List<Forbidden> forbidden) {
        ForbiddenSearch search = new ForbiddenSearch(forbidden);
        Set<String> found = new LinkedHashSet<>();
        for (LogRecord record : records) {
            for (String what : search.in(LogRecordTexts.of(record))) {
                found.add(describe(record, what));
            }
        }
        assertThat(found).as("log records must hold no secret and no token, in any form").isEmpty();
    }

    private static String describe(LogRecord record, String what) {
        return record.getLevel() + " record of " + record.getLoggerName() + " holds " + what + ": "
                + String.valueOf(record.getMessage()).lines().findFirst().orElse("");
    }
}
