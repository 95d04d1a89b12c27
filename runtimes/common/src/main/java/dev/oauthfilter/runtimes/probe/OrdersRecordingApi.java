package dev.oauthfilter.runtimes.probe;

import dev.oauthfilter.OAuthClient;
import dev.oauthfilter.OAuthClientFilter;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;

/** The {@code orders} client's view of the generic interface: the methods it inherits are called through it. */
@OAuthClient("orders")
@RegisterProvider(OAuthClientFilter.class)
public interface OrdersRecordingApi extends RecordingApi<String> {
}
