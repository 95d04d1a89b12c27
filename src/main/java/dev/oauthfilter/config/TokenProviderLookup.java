package dev.oauthfilter.config;

import dev.oauthfilter.ErrorCode;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.TokenProvider;
import dev.oauthfilter.cdi.CdiTokenProviders;
import org.eclipse.microprofile.config.ConfigProvider;

import java.util.Optional;
import java.util.logging.Logger;

/**
 * Finds the {@link TokenProvider} of a named client for {@link dev.oauthfilter.OAuthClientFilter}'s no-argument
 * constructor: from CDI when a container is running, else from MicroProfile Config. Each API is touched only when
 * its classes are present, so the filter also works in plain Java SE.
 */
public final class TokenProviderLookup {

    private static final Logger LOG = Logger.getLogger(TokenProviderLookup.class.getName());
    private static final boolean CDI_PRESENT = present("jakarta.enterprise.inject.spi.CDI");
    private static final boolean MP_CONFIG_PRESENT = present("org.eclipse.microprofile.config.ConfigProvider");

    private TokenProviderLookup() {
    }

    /**
     * @param clientName the client name
     * @return its token provider
     * @throws TokenException when neither CDI nor MicroProfile Config can provide one, or its settings are bad
     */
    public static TokenProvider find(String clientName) {
        if (CDI_PRESENT) {
            Optional<TokenProvider> fromCdi = CdiTokenProviders.find(clientName);
            if (fromCdi.isPresent()) {
                LOG.fine(() -> "client '" + clientName + "': token provider from CDI");
                return fromCdi.get();
            }
        }
        if (MP_CONFIG_PRESENT) {
            LOG.fine(() -> "client '" + clientName + "': token provider from MicroProfile Config");
            return MicroProfileTokenProviders.create(ConfigProvider.getConfig(), clientName);
        }
        throw TokenException.builder(ErrorCode.INVALID_SETTING).clientName(clientName)
                .message("OAuthClientFilter() needs CDI or MicroProfile Config to find its settings;"
                        + " without them, register new OAuthClientFilter(TokenProvider.of(config))")
                .build();
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, TokenProviderLookup.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
