package dev.oauthfilter.samples.it.probe;

import dev.oauthfilter.OAuthClient;
import dev.oauthfilter.OAuthClientFilter;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** A Rest Client whose only method is inherited: it must still get client {@code inherited}'s token. */
@RegisterRestClient(configKey = "probe-notes")
@RegisterProvider(OAuthClientFilter.class)
@OAuthClient("inherited")
public interface InheritingNotesApi extends CrudApi {
}
