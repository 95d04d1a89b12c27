package dev.oauthfilter.runtimes.probe;

import dev.oauthfilter.OAuthClientFilter;
import dev.oauthfilter.TokenProvider;
import jakarta.ws.rs.core.Feature;
import jakarta.ws.rs.core.FeatureContext;

/** An application's way of packaging its client setup: a Feature that registers the filter. */
public final class OAuthFeature implements Feature {

    private final TokenProvider tokens;

    public OAuthFeature(TokenProvider tokens) {
        this.tokens = tokens;
    }

    @Override
    public boolean configure(FeatureContext context) {
        context.register(new OAuthClientFilter(tokens));
        return true;
    }
}
