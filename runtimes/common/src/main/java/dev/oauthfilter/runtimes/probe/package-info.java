/**
 * The probe application deployed on each runtime under test (Open Liberty, WildFly, Payara): its own token endpoints,
 * a target service and callers through the runtime's clients, with the library in {@code WEB-INF/lib} as a user's
 * application has it. It answers with fingerprints of what it saw, never a token or a secret.
 */
package dev.oauthfilter.runtimes.probe;
