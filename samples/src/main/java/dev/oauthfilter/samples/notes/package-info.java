/**
 * The protected service, standing in for a Cloudant-like store behind Mobile Client Access: it accepts only requests
 * with a bearer token that Liberty's mpJwt-2.1 has validated (signature by the authorization server's JWKS, issuer,
 * audience, expiry) and whose groups include {@code notes.read}.
 */
package dev.oauthfilter.samples.notes;
