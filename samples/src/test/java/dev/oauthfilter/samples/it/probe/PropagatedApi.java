package dev.oauthfilter.samples.it.probe;

import dev.oauthfilter.OAuthClient;
import dev.oauthfilter.OAuthClientFilter;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** The sample's protected notes service, called with the caller's own token (client {@code propagated}). */
@RegisterRestClient(configKey = "probe-notes")
@RegisterProvider(OAuthClientFilter.class)
@OAuthClient("propagated")
@Path("/notes")
public interface PropagatedApi {

    @GET
    String notes();
}
