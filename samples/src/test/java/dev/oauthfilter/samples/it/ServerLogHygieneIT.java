package dev.oauthfilter.samples.it;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs after every other integration test (its own failsafe execution): the Liberty server's logs, with
 * oauth-filter traced at its finest level, hold no client secret and no whole token, in any form: each secret (the
 * demo authorization server's and those of the probe application's clients) also URL-encoded and inside the Basic
 * credentials of every client id the demo authorization server and the probe know.
 */
class ServerLogHygieneIT {

    private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]{4,}\\.eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]+");
    // Both Base64 alphabets; '=' ends a run, as padding ends an encoding
    private static final Pattern BASE64_RUN = Pattern.compile("[A-Za-z0-9+/_-]{16,}");
    /** The sample's and the IT deployments' clients, as in {@code demo.as.clients}, which is read as well. */
    private static final List<String> CLIENT_IDS = List.of("notes-backend", "notes-reports", "vcap-backend",
            "it-client", "arquillian-backend", "arquillian-reports", "arquillian-broken", "expired-client",
            "probe-backend");

    private static List<Path> logs() throws IOException {
        Path dir = Path.of(System.getProperty("liberty.server.dir"), "logs");
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".log")).collect(Collectors.toList());
        }
    }

    /** @return the demo authorization server's client ids: the known ones and those its configuration lists */
    private static Set<String> clientIds() throws IOException {
        Set<String> ids = new LinkedHashSet<>(CLIENT_IDS);
        Enumeration<URL> configs = ServerLogHygieneIT.class.getClassLoader()
                .getResources("META-INF/microprofile-config.properties");
        while (configs.hasMoreElements()) {
            Properties properties = new Properties();
            try (InputStream in = configs.nextElement().openStream()) {
                properties.load(in);
            }
            for (String id : properties.getProperty("demo.as.clients", "").split(",")) {
                if (!id.isBlank()) {
                    ids.add(id.trim());
                }
            }
        }
        return ids;
    }

    /** @return every form of {@code secret} a log could carry, named by what it is (the name shows no secret) */
    private static Map<String, String> forbiddenForms(String secret, Set<String> clientIds) {
        Map<String, String> forms = new LinkedHashMap<>();
        String encoded = URLEncoder.encode(secret, StandardCharsets.UTF_8);
        forms.put("the client secret", secret);
        forms.put("the form-encoded client secret", encoded);
        forms.put("the percent-encoded client secret", encoded.replace("+", "%20"));
        for (String id : clientIds) {
            // the MCA layout sends id:secret raw; RFC 6749 §2.3.1 form-encodes both first
            putBase64(forms, "base64(" + id + ":secret)", id + ":" + secret);
            putBase64(forms, "base64(form(" + id + "):form(secret))",
                    URLEncoder.encode(id, StandardCharsets.UTF_8) + ":" + encoded);
        }
        return forms;
    }

    // unpadded: a padded encoding contains it, so one search finds both
    private static void putBase64(Map<String, String> forms, String what, String credentials) {
        byte[] bytes = credentials.getBytes(StandardCharsets.UTF_8);
        forms.put(what, Base64.getEncoder().withoutPadding().encodeToString(bytes));
        forms.put("URL-safe " + what, Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }

    /**
     * @return whether what some Base64 run of {@code text} decodes to, read from any of its first four characters (a
     *         value encoded after other bytes starts anywhere in its run), holds one of {@code values}
     */
    private static boolean base64RunHolds(String text, List<String> values) {
        List<String> wanted = values.stream()
                .map(v -> new String(v.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1))
                .collect(Collectors.toList());
        Matcher run = BASE64_RUN.matcher(text);
        while (run.find()) {
            String standard = run.group().replace('-', '+').replace('_', '/');
            for (int offset = 0; offset < 4; offset++) {
                String part = standard.substring(offset);
                if (part.length() % 4 == 1) {
                    part = part.substring(0, part.length() - 1);
                }
                String decoded = new String(Base64.getDecoder().decode(part), StandardCharsets.ISO_8859_1);
                if (wanted.stream().anyMatch(decoded::contains)) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void noSecretAndNoTokenInAnyServerLog() throws IOException {
        // the sample's demo secret, then the probe application's (named by position: a name shows no secret)
        Map<String, String> secrets = new LinkedHashMap<>();
        secrets.put("the client secret", SampleServer.clientSecret());
        List<String> probeSecrets = ProbeDeployment.secrets();
        for (int i = 0; i < probeSecrets.size(); i++) {
            secrets.put("the probe's client secret #" + (i + 1), probeSecrets.get(i));
        }
        Set<String> clientIds = clientIds();
        clientIds.addAll(ProbeDeployment.clientIds());
        Map<String, String> forms = new LinkedHashMap<>();
        secrets.forEach((name, secret) -> forbiddenForms(secret, clientIds)
                .forEach((what, form) -> forms.put(name + ": " + what, form)));
        List<Path> logs = logs();
        assertThat(logs).extracting(p -> p.getFileName().toString()).contains("messages.log", "trace.log");

        List<String> found = new ArrayList<>();
        for (Path log : logs) {
            String text = Files.readString(log, StandardCharsets.UTF_8);
            forms.forEach((what, form) -> {
                if (text.contains(form)) {
                    found.add(log.getFileName() + " contains " + what);
                }
            });
            secrets.forEach((name, secret) -> {
                if (base64RunHolds(text, List.of(secret, URLEncoder.encode(secret, StandardCharsets.UTF_8)))) {
                    found.add(log.getFileName() + " contains Base64 of text holding " + name);
                }
            });
            if (JWT.matcher(text).find()) {
                found.add(log.getFileName() + " contains a whole JWT");
            }
        }
        assertThat(found).as("the server's logs must hold no secret, in any form, and no whole token (client ids "
                + clientIds + ")").isEmpty();
    }

    @Test
    void theTraceReallyRecordedTheLibrarysTokenLifecycle() throws IOException {
        String trace = Files.readString(Path.of(System.getProperty("liberty.server.dir"), "logs", "trace.log"));

        assertThat(trace).as("the check above is only meaningful if oauth-filter's FINE records are in the trace")
                .contains("obtained AccessToken[type=Bearer, sha256=");
    }
}
