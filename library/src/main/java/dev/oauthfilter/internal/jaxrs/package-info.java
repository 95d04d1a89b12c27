/**
 * The machinery behind {@link dev.oauthfilter.OAuthClientFilter}: {@link dev.oauthfilter.internal.jaxrs.AuthorizingFilter}
 * finds a request's client ({@code ClientNames}), puts its token (and DPoP proof) on the request where the client's
 * policy allows it and takes redirects over from the connector ({@code RedirectControl}); after the response, one loop
 * sends what {@code FollowUp} decides comes next (a retry with a DPoP nonce, one replay with a new token after a 401,
 * redirect hops on which the token never leaves the origin) through a new client ({@code RequestResender}), and hands
 * the caller the last answer. What differs between Jersey and RESTEasy (Open Liberty, WildFly) is in
 * {@code JaxrsRuntime} alone. Depends on the API and on {@code internal.clients} (where a client is found by name).
 */
package dev.oauthfilter.internal.jaxrs;
