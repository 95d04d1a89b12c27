/**
 * JAX-RS glue behind {@link dev.oauthfilter.OAuthClientFilter}: re-sending a request through the same client, to
 * replay it once after a 401 with a new token, or to follow a redirect so that the token never crosses to another
 * origin.
 */
package dev.oauthfilter.internal.propagation;
