/**
 * MicroProfile Config glue: reading a client's {@code oauth.*} / {@code oauth.<name>.*} keys into an
 * {@link dev.oauthfilter.OAuthClientConfig}, the {@code VCAP_SERVICES} config source for Cloud Foundry bindings of
 * Mobile Client Access and App ID, and the lookup the filter's no-argument constructor relies on (CDI first, then
 * MicroProfile Config). Depends on the MicroProfile Config API only when used.
 */
package dev.oauthfilter.internal.clients;
