package dev.oauthfilter.config;

import dev.oauthfilter.ClientLookup;
import dev.oauthfilter.ClientTokenProvider;
import dev.oauthfilter.ErrorCode;
import dev.oauthfilter.TokenException;

/**
 * The filter's {@link ClientLookup}: the clients of {@link ClientRegistry#current()}. Registered through
 * {@code META-INF/services/dev.oauthfilter.ClientLookup}.
 */
public final class MicroProfileClientLookup implements ClientLookup {

    @Override
    public ClientTokenProvider client(String name) {
        try {
            return ClientRegistry.current().client(name);
        } catch (LinkageError noMicroProfileConfig) {
            throw TokenException.builder(ErrorCode.INVALID_SETTING).clientName(name)
                    .message("OAuthClientFilter() needs MicroProfile Config to find its settings;"
                            + " without it, register new OAuthClientFilter(TokenProvider.of(config))")
                    .build();
        }
    }
}
