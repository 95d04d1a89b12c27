package dev.oauthfilter.samples.backend;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.ws.rs.ext.ContextResolver;

/**
 * A JSON-B instance of the client's own, registered on every client that reads or writes JSON
 * ({@code @RegisterProvider(ClientJsonbResolver.class)}, {@code client.register(new ClientJsonbResolver())}).
 *
 * <p>Why, on Open Liberty (restfulWS-3.1, checked on 26.0.0.3): RESTEasy keeps the client provider factory of each
 * application in a server-wide {@code WeakHashMap} keyed by the application's thread context class loader
 * ({@code RegisterBuiltin.configuredClientFactories}); Liberty's JSON-B provider in that factory keeps the first
 * {@code Jsonb} it made, and Yasson caches in it every class it (de)serialized: the application's {@code NotesPage}
 * and {@code Note}, whose class loader keeps the map's key alive. Without this resolver every stopped application
 * stays in memory (a restart by {@code liberty:dev}, a {@code server.xml} edit or the {@code ApplicationMBean}); with
 * it, Liberty's provider asks the client for its {@code Jsonb} and caches none of the application's classes.
 */
public class ClientJsonbResolver implements ContextResolver<Jsonb> {

    private final Jsonb jsonb = JsonbBuilder.create();

    @Override
    public Jsonb getContext(Class<?> type) {
        return jsonb;
    }
}
