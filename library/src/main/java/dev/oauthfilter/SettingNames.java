package dev.oauthfilter;

import java.util.Optional;

/**
 * How messages name a client's settings, in the words of whoever configured it: the builder's method names
 * ({@link #BUILDER}, the default: {@code clientId(...)}), or the keys of another source of configuration, which hands
 * its names to {@link OAuthClientConfig.Builder#settingNames(SettingNames)} (the library's MicroProfile Config reader
 * names {@code oauth.billing.client-id (OAUTH_BILLING_CLIENT_ID)}).
 *
 * <pre>{@code
 * OAuthClientConfig.builder().settingNames(setting -> "clients.billing." + setting.name().toLowerCase());
 * }</pre>
 */
@FunctionalInterface
public interface SettingNames {

    /** The builder's vocabulary: {@link ClientSetting#builderMethod()}. */
    SettingNames BUILDER = ClientSetting::builderMethod;

    /**
     * @param setting a setting of the client
     * @return how a message names it to the user, e.g. {@code clientId(...)}
     */
    String of(ClientSetting setting);

    /**
     * @return another way of giving the token endpoint than its settings, for the message that says none is given
     *         (e.g. a platform's service binding); empty by default
     */
    default Optional<String> endpointBinding() {
        return Optional.empty();
    }
}
