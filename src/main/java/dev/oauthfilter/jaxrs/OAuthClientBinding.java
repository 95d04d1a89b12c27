package dev.oauthfilter.jaxrs;

import dev.oauthfilter.OAuthClient;
import dev.oauthfilter.OAuthClientFilter;
import org.eclipse.microprofile.rest.client.RestClientBuilder;
import org.eclipse.microprofile.rest.client.spi.RestClientListener;

/**
 * Binds a MicroProfile Rest Client interface annotated {@link OAuthClient @OAuthClient("name")} to that client when
 * the Rest Client is built, so that every method the interface offers, inherited ones included, gets the named
 * client's token (a method's own {@code @OAuthClient} still wins). Without it the filter sees only the invoked
 * method, whose declaring interface may be a generic parent ({@code interface BillingApi extends CrudApi<Invoice>}).
 * Registered through {@code META-INF/services/org.eclipse.microprofile.rest.client.spi.RestClientListener}; only
 * read where MicroProfile Rest Client is.
 */
public final class OAuthClientBinding implements RestClientListener {

    @Override
    public void onNewClient(Class<?> serviceInterface, RestClientBuilder builder) {
        OAuthClient named = serviceInterface.getAnnotation(OAuthClient.class);
        if (named != null) {
            builder.property(OAuthClientFilter.CLIENT_NAME_PROPERTY, named.value());
        }
    }
}
