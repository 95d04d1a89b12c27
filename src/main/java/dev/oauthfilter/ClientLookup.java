package dev.oauthfilter;

/**
 * Finds a configured client by name, for {@link OAuthClientFilter}'s no-argument constructor (MicroProfile Rest
 * Client's {@code @RegisterProvider(OAuthClientFilter.class)}). The library's MicroProfile Config registry provides
 * it through {@link java.util.ServiceLoader} ({@code META-INF/services/dev.oauthfilter.ClientLookup}), so that this
 * package needs no configuration API.
 */
public interface ClientLookup {

    /**
     * @param name the client's name ({@code default}, or the {@code <name>} of {@code oauth.<name>.*} keys)
     * @return the client
     * @throws TokenException when it is not configured, or its settings are bad
     */
    ClientTokenProvider client(String name);
}
