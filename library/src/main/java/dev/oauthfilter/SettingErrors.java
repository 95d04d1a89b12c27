package dev.oauthfilter;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The failures of the checks in {@link OAuthClientConfig.Builder#build()}: each a {@link TokenException} with the
 * client's name that names the setting to fix in the words of whoever configured the client ({@link SettingNames}).
 * Every part checks its own settings with it.
 */
final class SettingErrors {

    private static final Pattern CLIENT_NAME = Pattern.compile("[A-Za-z0-9_-]+");

    private final String clientName;
    private final SettingNames names;

    SettingErrors(String clientName, SettingNames names) {
        this.clientName = clientName;
        this.names = names;
    }

    /** The client's name is the one setting every source gives the same way. */
    void requireClientName() {
        if (clientName == null || !CLIENT_NAME.matcher(clientName).matches()) {
            throw TokenException.builder(ErrorCode.INVALID_SETTING)
                    .message("client name must be letters, digits, '-' or '_'").build();
        }
    }

    SettingNames names() {
        return names;
    }

    /** @return how messages name the setting, e.g. {@code clientId(...)} or {@code oauth.client-id (OAUTH_CLIENT_ID)} */
    String name(ClientSetting setting) {
        return names.of(setting);
    }

    TokenException fail(ErrorCode code, String message) {
        return TokenException.builder(code).clientName(clientName).message(message).build();
    }

    TokenException invalid(ClientSetting setting, String problem) {
        return fail(ErrorCode.INVALID_SETTING, name(setting) + " " + problem);
    }

    void require(Object value, ErrorCode code, ClientSetting setting, String what) {
        if (value == null || value instanceof String && ((String) value).isBlank()) {
            throw fail(code, "the " + what + " is missing: set " + name(setting));
        }
    }

    Duration positive(Duration value, ClientSetting setting) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw invalid(setting, "must be a positive duration, was " + value);
        }
        return value;
    }

    Duration notNegative(Duration value, ClientSetting setting) {
        if (value == null || value.isNegative()) {
            throw invalid(setting, "must not be negative, was " + value);
        }
        return value;
    }

    int atLeastOne(int value, ClientSetting setting) {
        if (value < 1) {
            throw invalid(setting, "must be at least 1, was " + value);
        }
        return value;
    }

    URI absoluteHttpUrl(URI uri, ClientSetting setting) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            throw invalid(setting, "must be an absolute http(s) URL with a host");
        }
        if (uri.getRawUserInfo() != null) {
            throw invalid(setting, "must not carry user info; set the client id and secret instead");
        }
        if (uri.getRawFragment() != null) {
            throw invalid(setting, "must not have a fragment");
        }
        return uri;
    }
}
