package dev.oauthfilter.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oauthfilter.ErrorCode;
import dev.oauthfilter.TokenException;
import org.eclipse.microprofile.config.spi.ConfigSource;

import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Maps a Cloud Foundry binding of Mobile Client Access or App ID onto the default client's {@code oauth.*} keys,
 * as {@code bms-mca-oauth-sdk} did: the first service in {@code VCAP_SERVICES} whose label starts with
 * {@code AdvancedMobileAccess} or {@code AppID} gives {@code tenantId}, {@code clientId}, {@code secret} and
 * {@code serverUrl} (MCA) or {@code oauthServerUrl} (App ID); {@code VCAP_APPLICATION.application_id} is the
 * tenant id when the credentials have none.
 *
 * <p>Its ordinal, {@value #ORDINAL}, is below {@code microprofile-config.properties} (100): explicit settings win.
 * Malformed JSON fails at startup with an error naming the variable (and never quoting it: it holds secrets).
 * Registered through {@code META-INF/services/org.eclipse.microprofile.config.spi.ConfigSource}.
 */
public final class VcapServicesConfigSource implements ConfigSource {

    /** Below {@code microprofile-config.properties} (100), environment variables (300), system properties (400). */
    public static final int ORDINAL = 50;

    private static final Logger LOG = Logger.getLogger(VcapServicesConfigSource.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> CREDENTIAL_KEYS = credentialKeys();

    private final Map<String, String> properties;

    /** Reads the process environment. */
    public VcapServicesConfigSource() {
        this(System.getenv());
    }

    /**
     * @param environment the environment variables to read {@code VCAP_SERVICES} and {@code VCAP_APPLICATION} from
     * @throws TokenException with {@code INVALID_SETTING} when either variable is not valid JSON
     */
    public VcapServicesConfigSource(Map<String, String> environment) {
        this.properties = Collections.unmodifiableMap(
                map(environment.get("VCAP_SERVICES"), environment.get("VCAP_APPLICATION")));
    }

    @Override
    public Set<String> getPropertyNames() {
        return properties.keySet();
    }

    @Override
    public Map<String, String> getProperties() {
        return properties;
    }

    @Override
    public String getValue(String propertyName) {
        return properties.get(propertyName);
    }

    @Override
    public String getName() {
        return "VCAP_SERVICES";
    }

    @Override
    public int getOrdinal() {
        return ORDINAL;
    }

    private static Map<String, String> map(String services, String application) {
        Map<String, String> result = new LinkedHashMap<>();
        if (services == null || services.isBlank()) {
            return result;
        }
        JsonNode credentials = credentials(parse("VCAP_SERVICES", services));
        if (credentials == null) {
            LOG.fine("VCAP_SERVICES has no AdvancedMobileAccess or AppID service");
            return result;
        }
        CREDENTIAL_KEYS.forEach((vcapKey, configKey) -> {
            JsonNode value = credentials.get(vcapKey);
            if (value != null && value.isValueNode() && !value.asText().isBlank()) {
                result.put(configKey, value.asText());
            }
        });
        if (!result.containsKey("oauth.tenant-id") && application != null && !application.isBlank()) {
            JsonNode id = parse("VCAP_APPLICATION", application).get("application_id");
            if (id != null && id.isTextual()) {
                result.put("oauth.tenant-id", id.asText());
            }
        }
        LOG.fine(() -> "VCAP_SERVICES provides " + result.keySet());
        return result;
    }

    private static JsonNode credentials(JsonNode services) {
        for (Iterator<Map.Entry<String, JsonNode>> it = services.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> service = it.next();
            String label = service.getKey();
            if (label.startsWith("AdvancedMobileAccess") || label.startsWith("AppID")) {
                JsonNode instances = service.getValue();
                JsonNode first = instances.isArray() && instances.size() > 0 ? instances.get(0) : instances;
                JsonNode credentials = first.get("credentials");
                if (credentials == null || !credentials.isObject()) {
                    throw invalid("VCAP_SERVICES service '" + label + "' has no credentials object");
                }
                return credentials;
            }
        }
        return null;
    }

    private static JsonNode parse(String variable, String json) {
        try {
            JsonNode node = JSON.readTree(json);
            if (node == null || !node.isObject()) {
                throw invalid("the environment variable " + variable + " is not a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            // no cause: the parser's message may quote the variable, which holds the client secret
            throw invalid("the environment variable " + variable + " is not valid JSON (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        }
    }

    private static TokenException invalid(String message) {
        return TokenException.builder(ErrorCode.INVALID_SETTING).message(message).build();
    }

    private static Map<String, String> credentialKeys() {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("tenantId", "oauth.tenant-id");
        keys.put("clientId", "oauth.client-id");
        keys.put("secret", "oauth.client-secret");
        keys.put("serverUrl", "oauth.server-url");
        keys.put("oauthServerUrl", "oauth.oauth-server-url");
        return Collections.unmodifiableMap(keys);
    }
}
