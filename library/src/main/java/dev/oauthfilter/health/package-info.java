/**
 * MicroProfile Health 4.0 readiness check of every configured OAuth client: UP when a valid token is cached or can be
 * obtained, DOWN with the error code otherwise. Installed by the CDI extension only when the Health API is present.
 */
package dev.oauthfilter.health;
