package dev.oauthfilter.benchmarks;

import org.springframework.security.oauth2.client.AuthorizedClientServiceOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ClientCredentialsOAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.endpoint.RestClientClientCredentialsTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;

import java.time.Clock;

/**
 * The peer users would otherwise pick: Spring Security's client-credentials support, set up as its reference
 * documentation does for a service (no HTTP session): {@code AuthorizedClientServiceOAuth2AuthorizedClientManager}
 * with the client-credentials provider and its RestClient-based token response client.
 */
final class SpringPeer {

    private final AuthorizedClientServiceOAuth2AuthorizedClientManager manager;
    private final OAuth2AuthorizeRequest request = OAuth2AuthorizeRequest.withClientRegistrationId("bench")
            .principal("bench-service").build();

    SpringPeer(TokenEndpointStub stub, Clock clock) {
        ClientRegistration registration = ClientRegistration.withRegistrationId("bench")
                .clientId("bench")
                .clientSecret("bench-secret")
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                .tokenUri(stub.uri("/token").toString())
                .build();
        InMemoryClientRegistrationRepository registrations = new InMemoryClientRegistrationRepository(registration);
        ClientCredentialsOAuth2AuthorizedClientProvider provider = new ClientCredentialsOAuth2AuthorizedClientProvider();
        provider.setAccessTokenResponseClient(new RestClientClientCredentialsTokenResponseClient());
        provider.setClock(clock);
        manager = new AuthorizedClientServiceOAuth2AuthorizedClientManager(registrations,
                new InMemoryOAuth2AuthorizedClientService(registrations));
        manager.setAuthorizedClientProvider(provider);
    }

    String authorizationHeader() {
        return "Bearer " + manager.authorize(request).getAccessToken().getTokenValue();
    }
}
