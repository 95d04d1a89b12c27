/**
 * OpenTelemetry binding (MicroProfile Telemetry 2.0, or any OpenTelemetry the application has): a CLIENT span per
 * HTTP request to the token endpoint, child of the span of the caller that caused it, and the figures of the
 * MicroProfile Metrics binding as OpenTelemetry instruments. Installed by the CDI extension when the OpenTelemetry
 * API is present; elsewhere {@code TokenCache.shared().events(OpenTelemetryBinding.of(openTelemetry))}. The module
 * exports this package for that one class, {@link dev.oauthfilter.telemetry.OpenTelemetryBinding}; nothing here is
 * loaded unless the OpenTelemetry API is there.
 */
package dev.oauthfilter.telemetry;
