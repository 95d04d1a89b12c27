/**
 * The README's quick start, as it runs in the sample: a MicroProfile Rest Client interface with
 * {@code @RegisterProvider(OAuthClientFilter.class)} ({@link dev.oauthfilter.samples.quickstart.NotesClient}), the
 * resource that calls it ({@code GET /api/quickstart}), and the default client's three {@code oauth.*} keys in
 * {@code META-INF/microprofile-config.properties}. The README shows these files as they are here
 * ({@code DocumentationTest} in the library checks it).
 */
package dev.oauthfilter.samples.quickstart;
