package dev.oauthfilter.samples.it;

import dev.oauthfilter.samples.backend.ClientJsonbResolver;
import dev.oauthfilter.samples.it.probe.ProbeApplication;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.io.File;
import java.util.Objects;

/**
 * The probe application (package {@code probe}) as a WAR of its own, with the library in {@code WEB-INF/lib} as a
 * user's application has it. Its clients get tokens from the sample's demo authorization server; its propagating
 * clients forward to the sample's protected notes service.
 */
final class ProbeDeployment {

    private static final String SAMPLE = "http://localhost:${http.port}/oauth-filter-samples/api";

    private ProbeDeployment() {
    }

    static WebArchive archive(String name) {
        String config = String.join("\n",
                "oauth.token-url=" + SAMPLE + "/demo-as/oauth/token",
                "oauth.client-id=probe-backend",
                "oauth.client-secret=${demo.client.secret}",
                // a second client of the same credentials with its own token (an extra parameter changes the key)
                "oauth.replay.token-url=" + SAMPLE + "/demo-as/oauth/token",
                "oauth.replay.client-id=probe-backend",
                "oauth.replay.client-secret=${demo.client.secret}",
                "oauth.replay.params.probe=replay",
                "oauth.propagated.propagate=true",
                "oauth.propagated.allowed-hosts=" + SAMPLE + "/notes",
                "oauth.propagated-fallback.propagate=true",
                "oauth.propagated-fallback.propagate-fallback=client-credentials",
                "oauth.propagated-fallback.allowed-hosts=" + SAMPLE + "/notes",
                "oauth.propagated-fallback.token-url=" + SAMPLE + "/demo-as/oauth/token",
                "oauth.propagated-fallback.client-id=probe-backend",
                "oauth.propagated-fallback.client-secret=${demo.client.secret}",
                "probe-notes/mp-rest/url=" + SAMPLE,
                // a DPoP client of the probe's own DPoP token endpoint
                "oauth.dpop.token-url=http://localhost:${http.port}/" + name + "/probe/dpop/token",
                "oauth.dpop.client-id=probe-dpop",
                "oauth.dpop.client-secret=probe-dpop-test-only-secret",
                "oauth.dpop.dpop=true",
                "oauth.dpop.allowed-hosts=http://localhost:${http.port}/" + name + "/probe/dpop",
                // a propagating client that exchanges the caller's token at the probe's token-exchange endpoint
                "oauth.exchanging.propagate=true",
                "oauth.exchanging.propagate-exchange=true",
                "oauth.exchanging.token-url=http://localhost:${http.port}/" + name + "/probe/exchange/token",
                "oauth.exchanging.client-id=probe-exchanger",
                "oauth.exchanging.client-secret=probe-exchanger-test-only-secret",
                "oauth.exchanging.audience=probe-service",
                "oauth.exchanging.allowed-hosts=http://localhost:${http.port}/" + name + "/probe/exchange");
        File[] libraries = new File(Objects.requireNonNull(System.getProperty("it.libs"), "it.libs")).listFiles();
        return ShrinkWrap.create(WebArchive.class, name + ".war")
                .addPackage(ProbeApplication.class.getPackage())
                // the sample's workaround for what Liberty's JSON-B provider keeps of a stopped application
                .addClass(ClientJsonbResolver.class)
                .addAsLibraries(libraries)
                .addAsResource(new StringAsset(config), "META-INF/microprofile-config.properties")
                .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml");
    }
}
