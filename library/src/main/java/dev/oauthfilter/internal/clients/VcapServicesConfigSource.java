package dev.oauthfilter.internal.clients;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.oauthfilter.ErrorCode;
import dev.oauthfilter.TokenException;
import org.eclipse.microprofile.config.spi.ConfigSource;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Maps a Cloud Foundry binding of Mobile Client Access or App ID onto the default client's {@code oauth.*} keys,
 * as {@code bms-mca-oauth-sdk} did: the first service in {@code VCAP_SERVICES} whose label starts with
 * {@code AdvancedMobileAccess} or {@code AppID} gives {@code tenantId}, {@code clientId}, {@code secret} and
 * {@code serverUrl} (MCA) or {@code oauthServerUrl} (App ID); {@code VCAP_APPLICATION.application_id} is the
 * tenant id when the credentials have none. A value that is missing, {@code null} or blank is absent.
 *
 * <p>Its ordinal, {@value #ORDINAL}, is below {@code microprofile-config.properties} (100): explicit settings win.
 * Malformed JSON (including JSON beyond the parser's limits on nesting and length), JSON that is not an object, a
 * matching service without a credentials object, or a value that is not a string fails at startup with an
 * {@code INVALID_SETTING} error naming the variable (and never quoting it: it holds secrets).
 * Registered through {@code META-INF/services/org.eclipse.microprofile.config.spi.ConfigSource}.
 */
public final class VcapServicesConfigSource implements ConfigSource {

    /** Below {@code microprofile-config.properties} (100), environment variables (300), system properties (400). */
    public static final int ORDINAL = 50;

    private static final Logger LOG = Logger.getLogger(VcapServicesConfigSource.class.getName());
    /**
     * Made when a variable is there to read, not when the source is: MicroProfile Config makes every source of every
     * application, and an {@code ObjectMapper} costs a fresh JVM over 400 classes (about 0.2 s of CPU time).
     */
    private static final class Parser {
        /** Trailing content ({@code {...} junk}) is malformed too, not silently ignored. */
        // a shared buffer pool, not Jackson's per-thread cache, which would keep a stopped application alive (see Json)
        static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                        .recyclerPool(JsonRecyclerPools.newConcurrentDequePool()).build())
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    }

    private static final List<String> PRODUCTS = List.of("AdvancedMobileAccess", "AppID");
    private static final Map<String, String> CREDENTIAL_KEYS = credentialKeys();

    private final Map<String, String> properties;

    /** Reads the process environment. */
    public VcapServicesConfigSource() {
        this(System.getenv());
    }

    /**
     * @param environment the environment variables to read {@code VCAP_SERVICES} and {@code VCAP_APPLICATION} from
     * @throws TokenException with {@code INVALID_SETTING} when either variable is not a valid JSON object or the
     *         binding does not have the shape described above
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
        CREDENTIAL_KEYS.forEach((vcapKey, configKey) -> text(credentials, vcapKey, "VCAP_SERVICES credentials")
                .ifPresent(value -> result.put(configKey, value)));
        // VCAP_APPLICATION is only the tenant fallback: it is not read (nor can it fail startup) when not needed
        if (!result.containsKey("oauth.tenant-id") && application != null && !application.isBlank()) {
            text(parse("VCAP_APPLICATION", application), "application_id", "VCAP_APPLICATION")
                    .ifPresent(id -> result.put("oauth.tenant-id", id));
        }
        LOG.fine(() -> "VCAP_SERVICES provides " + result.keySet());
        return result;
    }

    private static JsonNode credentials(JsonNode services) {
        for (Map.Entry<String, JsonNode> service : services.properties()) {
            for (String product : PRODUCTS) {
                if (service.getKey().startsWith(product)) {
                    return credentialsOf(product, service.getValue());
                }
            }
        }
        return null;
    }

    private static JsonNode credentialsOf(String product, JsonNode instances) {
        JsonNode first = instances.isArray() ? instances.path(0) : instances;
        JsonNode credentials = first.path("credentials");
        if (!credentials.isObject()) {
            // the product, not the label: the label is the variable's content, which is never quoted
            throw invalid("the first VCAP_SERVICES service labelled " + product + "* has no credentials object");
        }
        return credentials;
    }

    /** Absent when missing, null or blank; anything but a string is an error that names the key, not the value. */
    private static Optional<String> text(JsonNode parent, String key, String where) {
        JsonNode value = parent.path(key);
        if (value.isMissingNode() || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw invalid(where + " " + key + " is not a string");
        }
        return Optional.of(value.textValue()).filter(text -> !text.isBlank());
    }

    private static JsonNode parse(String variable, String json) {
        JsonNode node;
        try {
            node = Parser.JSON.readTree(json);
        } catch (JsonProcessingException e) {
            // no cause: the parser's message may quote the variable, which holds the client secret
            throw invalid("the environment variable " + variable + " is not valid JSON" + whereItFailed(e));
        }
        if (node == null || !node.isObject()) {
            throw invalid("the environment variable " + variable + " is not a JSON object");
        }
        return node;
    }

    private static String whereItFailed(JsonProcessingException e) {
        if (e instanceof StreamConstraintsException) {
            return " (beyond the parser's limits on nesting depth or number and text length)";
        }
        // a parser error may come without a location (null, or line -1): then there is nothing to point at
        JsonLocation location = e.getLocation();
        if (location == null || location.getLineNr() < 1) {
            return "";
        }
        return " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
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
