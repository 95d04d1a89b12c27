package dev.oauthfilter.internal.clients;

import dev.oauthfilter.ErrorCode;
import dev.oauthfilter.TokenException;
import org.eclipse.microprofile.config.Config;

import java.net.URI;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Typed reads of one client's keys, each failure naming the key (and never echoing a secret). */
final class Settings {

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?");

    private final Config config;
    private final String name;
    private final MicroProfileKeys keys;

    Settings(Config config, String name) {
        this.config = config;
        this.name = name;
        this.keys = new MicroProfileKeys(name);
    }

    /** @return the client's name */
    String clientName() {
        return name;
    }

    /** @return the client's vocabulary: its keys, and how messages name its settings */
    MicroProfileKeys keys() {
        return keys;
    }

    String key(String setting) {
        return keys.key(setting);
    }

    Optional<String> string(String setting) {
        return config.getOptionalValue(key(setting), String.class).map(String::strip).filter(s -> !s.isEmpty());
    }

    List<String> list(String setting) {
        return config.getOptionalValues(key(setting), String.class).orElse(List.of());
    }

    Optional<URI> uri(String setting) {
        return string(setting).map(value -> {
            try {
                return new URI(value);
            } catch (java.net.URISyntaxException e) {
                throw invalid(setting, "is not a URL (" + e.getReason() + ")");
            }
        });
    }

    Optional<Duration> duration(String setting) {
        return string(setting).map(value -> {
            Matcher m = DURATION.matcher(value.toLowerCase(Locale.ROOT));
            if (m.matches()) {
                long amount = Long.parseLong(m.group(1));
                String unit = m.group(2) == null ? "s" : m.group(2);
                switch (unit) {
                    case "ms": return Duration.ofMillis(amount);
                    case "m": return Duration.ofMinutes(amount);
                    case "h": return Duration.ofHours(amount);
                    default: return Duration.ofSeconds(amount);
                }
            }
            try {
                return Duration.parse(value);
            } catch (DateTimeParseException e) {
                throw invalid(setting, "'" + value + "' is not a duration (use 500ms, 30s, 5m, 1h or PT30S)");
            }
        });
    }

    Optional<Integer> integer(String setting) {
        return string(setting).map(value -> {
            try {
                return Integer.valueOf(value);
            } catch (NumberFormatException e) {
                throw invalid(setting, "'" + value + "' is not a whole number");
            }
        });
    }

    Optional<Boolean> bool(String setting) {
        return string(setting).map(value -> {
            if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
                return Boolean.valueOf(value);
            }
            throw invalid(setting, "'" + value + "' is neither true nor false");
        });
    }

    TokenException invalid(String setting, String problem) {
        return TokenException.builder(ErrorCode.INVALID_SETTING).clientName(name)
                .message(key(setting) + " " + problem).build();
    }
}
