package com.example.quotes;

import dev.oauthfilter.OAuthClientFilter;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** A protected service: every call carries a token of the default client ({@code oauth.*}). */
@RegisterRestClient(configKey = "quotes")
@RegisterProvider(OAuthClientFilter.class)
@Path("/quotes")
public interface QuotesApi {

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    String today();
}
