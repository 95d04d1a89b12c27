/**
 * CDI glue: {@link dev.oauthfilter.cdi.TokenProviderProducer} makes {@code @Inject TokenProvider} and
 * {@code @Inject @OAuthClient("name") TokenProvider} work from MicroProfile Config (the same clients the filter's
 * no-argument constructor finds), and {@link dev.oauthfilter.cdi.OAuthFilterExtension} adds the optional health and
 * metrics beans and closes the application's clients when it stops.
 */
package dev.oauthfilter.cdi;
