/**
 * MicroProfile Metrics 5.1 binding: token requests by client and outcome, their duration, background refreshes,
 * callers that waited, cache hits and seconds until expiry, in the application registry (Liberty: {@code /metrics}).
 * Installed by the CDI extension only when the Metrics API is present.
 */
package dev.oauthfilter.metrics;
