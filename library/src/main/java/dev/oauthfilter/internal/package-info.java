/**
 * Where the API meets the implementation: {@link dev.oauthfilter.internal.LibraryDelegate}, the library's
 * {@link dev.oauthfilter.OAuthFilterDelegate}, found by the API with {@link java.util.ServiceLoader}. It hands the API
 * the application's default owner ({@code internal.clients.ApplicationClients}), new token caches and the filter's
 * machinery ({@code internal.jaxrs}). Nothing else of the library depends on this package.
 */
package dev.oauthfilter.internal;
