/**
 * oauth-filter: OAuth 2.0 tokens for outgoing JAX-RS and MicroProfile Rest Client requests. The module exports its
 * API, {@code dev.oauthfilter}, and the OpenTelemetry binding's one public class ({@code dev.oauthfilter.telemetry},
 * for applications without CDI); the implementation ({@code dev.oauthfilter.internal.*}) and the bindings that CDI
 * loads ({@code cdi}, {@code health}, {@code metrics}) are not for applications. The API reaches the implementation
 * through one service, {@link dev.oauthfilter.OAuthFilterDelegate}, which this module provides. Everything but
 * JAX-RS, Jackson, nimbus-jose-jwt and the JDK is optional: CDI, MicroProfile Config, Health, Metrics and
 * OpenTelemetry are used when the server (or the application) has them, JCache when tokens are shared with a fleet.
 */
module dev.oauthfilter {
    requires transitive jakarta.ws.rs;
    requires static jakarta.annotation;
    requires static jakarta.cdi;
    requires static jakarta.inject;
    requires static microprofile.config.api;
    requires static microprofile.health.api;
    requires static microprofile.metrics.api;
    requires static io.opentelemetry.api;
    requires static io.opentelemetry.context;
    requires static cache.api;
    requires com.fasterxml.jackson.databind;
    requires com.nimbusds.jose.jwt;
    requires java.logging;
    requires java.naming;
    requires java.net.http;

    exports dev.oauthfilter;
    exports dev.oauthfilter.telemetry;

    // CDI makes the bindings' beans and calls the extension's observers reflectively
    opens dev.oauthfilter.cdi;
    opens dev.oauthfilter.health;
    opens dev.oauthfilter.metrics;

    uses dev.oauthfilter.OAuthFilterDelegate;

    provides dev.oauthfilter.OAuthFilterDelegate with dev.oauthfilter.internal.LibraryDelegate;
    // The CDI extension and the VCAP_SERVICES config source are announced in META-INF/services only: a `provides` of
    // a service whose API module is optional fails the module's resolution wherever that API is absent (a plain
    // JAX-RS client without CDI). Application servers load the library from the class path, where those files count.
}
