/**
 * A LOCAL STAND-IN for an OAuth 2.0 authorization server (IBM Mobile Client Access layout plus a standard token
 * endpoint), so the sample runs with nothing else installed. It issues RS256 JWTs signed with a key pair generated at
 * start and publishes the public key as a JWKS. Not for production: point the backend at a real server instead.
 */
package dev.oauthfilter.samples.authserver;
