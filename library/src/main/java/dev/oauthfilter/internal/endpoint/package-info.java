/**
 * The token endpoint protocol: building the client-credentials request for each endpoint layout and client
 * authentication method, sending it with the JDK HTTP client under a time and size bound, and turning the answer
 * (RFC 6749 §5.1 success or §5.2 error, or anything else a server may send) into an
 * {@link dev.oauthfilter.AccessToken} or a {@link dev.oauthfilter.TokenException}.
 */
package dev.oauthfilter.internal.endpoint;
