package dev.oauthfilter.samples.it.probe;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/** A generic parent interface, as applications share them between Rest Clients: no {@code @OAuthClient} here. */
public interface CrudApi {

    @GET
    @Path("/notes")
    String all();
}
