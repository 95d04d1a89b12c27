package com.example.quotes;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.inject.RestClient;

@Path("/quote")
public class QuotesResource {

    @Inject
    @RestClient
    QuotesApi quotes;

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public String quote() {
        return quotes.today();
    }
}
