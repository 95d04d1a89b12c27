package dev.oauthfilter.cdi;

import dev.oauthfilter.TokenProvider;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.CDI;

import java.util.Optional;

/** The CDI side of the filter's lookup; only loaded when the CDI API is present. */
public final class CdiTokenProviders {

    private CdiTokenProviders() {
    }

    /**
     * @param clientName the client name
     * @return its provider from {@link TokenProviderProducer}, or empty when no CDI container (or producer) is there
     */
    public static Optional<TokenProvider> find(String clientName) {
        Instance<TokenProviderProducer> producer;
        try {
            producer = CDI.current().select(TokenProviderProducer.class);
        } catch (IllegalStateException noContainer) {
            return Optional.empty();
        }
        return producer.isResolvable() ? Optional.of(producer.get().provider(clientName)) : Optional.empty();
    }
}
