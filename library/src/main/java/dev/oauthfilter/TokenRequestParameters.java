package dev.oauthfilter;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a client asks the token endpoint for, the request part of its {@link OAuthClientConfig}: {@code scope},
 * {@code audience}, RFC 8707 {@code resource} indicators and extra form parameters. Immutable; checked by
 * {@link OAuthClientConfig.Builder#build()}, which refuses an extra parameter that the library sets itself.
 *
 * <pre>{@code
 * Optional<String> scope = config.requestParameters().scope();
 * }</pre>
 */
public final class TokenRequestParameters {

    private static final Set<String> RESERVED_PARAMETERS = Set.of("grant_type", "client_id", "client_secret",
            "client_assertion", "client_assertion_type", "scope", "audience", "resource");

    private final String scope;
    private final String audience;
    private final List<String> resources;
    private final Map<String, String> extraParameters;

    private TokenRequestParameters(String scope, String audience, List<String> resources,
                                   Map<String, String> extraParameters) {
        this.scope = scope;
        this.audience = audience;
        this.resources = List.copyOf(resources);
        this.extraParameters = Collections.unmodifiableMap(new TreeMap<>(extraParameters));
    }

    /** @return the {@code scope} form parameter, when set */
    public Optional<String> scope() {
        return Optional.ofNullable(scope);
    }

    /** @return the {@code audience} form parameter, when set */
    public Optional<String> audience() {
        return Optional.ofNullable(audience);
    }

    /** @return the RFC 8707 {@code resource} form parameters, in order */
    public List<String> resources() {
        return resources;
    }

    /** @return extra form parameters sent with every token request, sorted by name */
    public Map<String, String> extraParameters() {
        return extraParameters;
    }

    /** The parameters' values, as they make a token different. */
    List<Object> values() {
        return List.of(Optional.ofNullable(scope), Optional.ofNullable(audience), resources, extraParameters);
    }

    @Override
    public String toString() {
        return "TokenRequestParameters[" + (scope == null ? "" : "scope=" + scope)
                + (audience == null ? "" : ", audience=" + audience)
                + (resources.isEmpty() ? "" : ", resources=" + resources)
                + (extraParameters.isEmpty() ? "" : ", extraParameters=" + extraParameters.keySet()) + "]";
    }

    /** The request settings of a builder. */
    static final class Draft {
        String scope;
        String audience;
        final List<String> resources = new ArrayList<>();
        final Map<String, String> extraParameters = new TreeMap<>();

        TokenRequestParameters build(SettingErrors errors) {
            for (String parameter : extraParameters.keySet()) {
                if (parameter.isBlank() || RESERVED_PARAMETERS.contains(parameter)) {
                    throw errors.invalid(ClientSetting.EXTRA_PARAMETER, "'" + parameter
                            + "' is not allowed: the library sets it from its own setting");
                }
            }
            return new TokenRequestParameters(scope, audience, resources, extraParameters);
        }
    }
}
