/**
 * An application's clients: {@link dev.oauthfilter.internal.clients.ApplicationClients}, the one owner per application
 * (one per class loader, closed by the CDI extension when the application stops) of the default token cache
 * ({@link dev.oauthfilter.internal.clients.BoundedTokenCache}), the clients MicroProfile Config describes (read by
 * {@link dev.oauthfilter.internal.clients.MicroProfileClientConfigs}; the key names live in {@code MicroProfileKeys}
 * alone, and messages about such a client name its keys and environment variables), a fleet-wide cache when
 * {@code oauth.shared-cache.*} asks for one, the refresh executor and the listeners of token events. The filter, the
 * CDI producer, the readiness check and the metrics all find a client here; the filter's no-argument constructor
 * looks a client up by name in MicroProfile Config (not in CDI: the producer hands out the same clients). Also the
 * {@code VCAP_SERVICES} config source for Cloud Foundry bindings of Mobile Client Access and App ID. Uses the
 * MicroProfile Config API only when a client is looked up by name.
 */
package dev.oauthfilter.internal.clients;
