package dev.oauthfilter.samples.it;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.zip.ZipFile;

/**
 * The probe application ({@code runtimes/common}, the WAR that WildFly and Payara deploy) under a name of its own, with
 * the library in {@code WEB-INF/lib} as a user's application has it, and a configuration for this server beside it
 * (a jar of its own in {@code WEB-INF/lib}, of a higher {@code config_ordinal} than the WAR's): the probe's address,
 * the notes clients forwarding to the sample's protected notes service (the fallback's own token from the sample's
 * demo authorization server), and every client able to get a token, since Liberty's readiness is the server's.
 */
final class ProbeDeployment {

    private static final String SAMPLE = "http://localhost:${http.port}/oauth-filter-samples/api";
    /** Where the probe WAR keeps its own configuration. */
    private static final String WAR_CONFIG = "WEB-INF/classes/META-INF/microprofile-config.properties";
    // the orders client's secret: WildFly and Payara give it in the environment, which this server does not have
    private static final String ORDERS_SECRET = "probe-orders-liberty-test-only-secret";

    private ProbeDeployment() {
    }

    static WebArchive archive(String name) {
        String config = String.join("\n",
                "config_ordinal=200",
                "probe.base=http://localhost:${http.port}/" + name + "/api",
                "probe.notes=" + SAMPLE,
                "oauth.notes-propagated-fallback.token-url=" + SAMPLE + "/demo-as/oauth/token",
                "oauth.notes-propagated-fallback.client-id=probe-backend",
                "oauth.notes-propagated-fallback.client-secret=${demo.client.secret}",
                "oauth.orders.client-secret=" + ORDERS_SECRET,
                "probe.orders.accepted-secret=" + ORDERS_SECRET,
                "probe.refused.accepted-secret=" + probeConfig().getProperty("oauth.refused.client-secret"));
        WebArchive probe = ShrinkWrap.createFromZipFile(WebArchive.class, war().toFile());
        return ShrinkWrap.create(WebArchive.class, name + ".war").merge(probe)
                .addAsLibrary(ShrinkWrap.create(JavaArchive.class, "probe-on-liberty-config.jar")
                        .addAsResource(new StringAsset(config), "META-INF/microprofile-config.properties"));
    }

    /** @return the secrets the probe's clients and token endpoint use here, none of which a log may hold */
    static List<String> secrets() {
        Properties config = probeConfig();
        List<String> secrets = new ArrayList<>();
        for (String key : config.stringPropertyNames()) {
            String value = config.getProperty(key);
            if (key.endsWith(".client-secret") && !value.contains("${")) {
                secrets.add(value);
            }
        }
        secrets.add(ORDERS_SECRET);
        return secrets;
    }

    /** @return the client ids of the probe's clients */
    static List<String> clientIds() {
        Properties config = probeConfig();
        return config.stringPropertyNames().stream().filter(key -> key.endsWith(".client-id"))
                .map(config::getProperty).sorted().toList();
    }

    /** @return the configuration in the probe WAR */
    private static Properties probeConfig() {
        try (ZipFile war = new ZipFile(war().toFile());
             InputStream in = war.getInputStream(Objects.requireNonNull(war.getEntry(WAR_CONFIG), WAR_CONFIG))) {
            Properties properties = new Properties();
            properties.load(new StringReader(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            return properties;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path war() {
        return Path.of(Objects.requireNonNull(System.getProperty("it.probe.war"), "it.probe.war"));
    }
}
