/**
 * The application that uses oauth-filter: it calls the protected notes service through a MicroProfile Rest Client
 * ({@code @RegisterProvider(OAuthClientFilter.class)}, default and named client), a plain JAX-RS client with the
 * filter registered, and a hand-set header from {@code TokenProvider.authorizationHeader()}. No token code here.
 */
package dev.oauthfilter.samples.backend;
