package dev.oauthfilter.internal.endpoint;

import dev.oauthfilter.ClientSetting;
import dev.oauthfilter.ErrorCode;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.Secret;
import dev.oauthfilter.TokenException;

/**
 * The client secret at the moment of a token request: a secret file is read anew each time, and may by then be
 * unreadable or blank (a rotation caught half-way). Either is a {@code MISSING_SECRET} failure that names the client
 * and the setting, instead of a request with an empty credential.
 */
final class ClientSecrets {

    private ClientSecrets() {
    }

    static String reveal(OAuthClientConfig config) {
        Secret secret = config.authentication().secret().orElseThrow();
        String what = secret.file().map(file -> "the client secret file " + file).orElse("the client secret");
        String check = "; check " + config.settingNames().of(secret.file().isPresent()
                ? ClientSetting.CLIENT_SECRET_FILE : ClientSetting.CLIENT_SECRET);
        String value;
        try {
            value = secret.reveal();
        } catch (TokenException unreadable) {
            throw TokenException.builder(ErrorCode.MISSING_SECRET).clientName(config.name())
                    .message("cannot read " + what + check).build();
        }
        if (value.isBlank()) {
            throw TokenException.builder(ErrorCode.MISSING_SECRET).clientName(config.name())
                    .message(what + " is blank" + check).build();
        }
        return value;
    }
}
