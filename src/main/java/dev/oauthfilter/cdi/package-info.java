/**
 * CDI glue: {@link dev.oauthfilter.cdi.TokenProviderProducer} makes {@code @Inject TokenProvider} and
 * {@code @Inject @OAuthClient("name") TokenProvider} work from MicroProfile Config, and is where
 * {@link dev.oauthfilter.OAuthClientFilter} looks first when it was registered by class.
 */
package dev.oauthfilter.cdi;
