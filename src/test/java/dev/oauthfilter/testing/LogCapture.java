package dev.oauthfilter.testing;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Captures every record the library logs, at every level, so that tests can assert what is absent: no secret, no
 * token. Register with {@code @RegisterExtension} and {@link #forbidding(Supplier)}.
 */
public final class LogCapture implements BeforeEachCallback, AfterEachCallback {

    private static final Logger LIBRARY = Logger.getLogger("dev.oauthfilter");
    private final List<LogRecord> records = new java.util.concurrent.CopyOnWriteArrayList<>();
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
    private final Supplier<Collection<String>> forbidden;
    private Level previous;

    private LogCapture(Supplier<Collection<String>> forbidden) {
        this.forbidden = forbidden;
    }

    /**
     * A capture that, after each test, fails it if any record contains one of the values {@code forbidden} gives
     * then (the secrets configured and the tokens the server issued).
     */
    public static LogCapture forbidding(Supplier<Collection<String>> forbidden) {
        return new LogCapture(forbidden);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        records.clear();
        previous = LIBRARY.getLevel();
        LIBRARY.setLevel(Level.ALL);
        handler.setLevel(Level.ALL);
        LIBRARY.addHandler(handler);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        LIBRARY.removeHandler(handler);
        LIBRARY.setLevel(previous);
        assertNoneContain(forbidden.get());
    }

    /** @return every captured line, fully formatted, with the messages of the thrown chain */
    public List<String> lines() {
        SimpleFormatter formatter = new SimpleFormatter();
        List<String> lines = new ArrayList<>();
        for (LogRecord record : records) {
            StringBuilder line = new StringBuilder(record.getLevel() + " " + formatter.formatMessage(record));
            for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
                line.append(" | ").append(t);
            }
            lines.add(line.toString());
        }
        return lines;
    }

    /** Asserts that no captured line contains any of {@code values}. */
    public void assertNoneContain(Iterable<String> values) {
        List<String> lines = lines();
        for (String value : values) {
            assertThat(lines).as("log lines must not contain a secret or token").noneMatch(l -> l.contains(value));
        }
    }

    /** @return {@code values} and {@code more} in one list, for {@link #forbidding(Supplier)} */
    public static List<String> all(Collection<String> values, String... more) {
        List<String> all = new ArrayList<>(values);
        all.addAll(List.of(more));
        return all;
    }
}
