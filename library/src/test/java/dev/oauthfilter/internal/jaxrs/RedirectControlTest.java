package dev.oauthfilter.internal.jaxrs;

import dev.oauthfilter.testing.HiddenHttpEngines;
import dev.oauthfilter.testing.LogCapture;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.core.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the filter keeps a client's HTTP engine from following redirects (RESTEasy's way: {@code httpEngine()},
 * {@code isFollowRedirects()}, {@code setFollowRedirects(boolean)}) and learns whether the application wanted them
 * followed, without RESTEasy: stand-in clients and engines, with the methods declared where RESTEasy's engines declare
 * them (on the class, a public superclass, a public interface). Jersey's way (a request property) is covered by the
 * HTTP tests; here only where the two meet.
 */
class RedirectControlTest {

    private static final String JERSEY_FOLLOW = JaxrsRuntime.JERSEY_FOLLOW_REDIRECTS;

    @RegisterExtension
    final LogCapture logs = LogCapture.forbidding(List::of);

    /** What RESTEasy's {@code ResteasyClient} adds to a JAX-RS client. */
    public interface EngineClient extends Client {
        Object httpEngine();
    }

    /** An engine like RESTEasy's default one. */
    public static class Engine {
        volatile boolean follow;

        public Engine(boolean follow) {
            this.follow = follow;
        }

        public boolean isFollowRedirects() {
            return follow;
        }

        public void setFollowRedirects(boolean follow) {
            this.follow = follow;
        }
    }

    /** Its methods are reached through its public superclass. */
    private static final class SubclassedEngine extends Engine {
        SubclassedEngine(boolean follow) {
            super(follow);
        }
    }

    public interface RedirectSwitch {
        boolean isFollowRedirects();

        void setFollowRedirects(boolean follow);
    }

    /** Its methods are reached through a public interface only. */
    private static final class InterfaceEngine implements RedirectSwitch {
        volatile boolean follow;

        InterfaceEngine(boolean follow) {
            this.follow = follow;
        }

        @Override
        public boolean isFollowRedirects() {
            return follow;
        }

        @Override
        public void setFollowRedirects(boolean follow) {
            this.follow = follow;
        }
    }

    /** Its methods are reached through a public interface of its superclass. */
    private static class Base implements RedirectSwitch {
        volatile boolean follow = true;

        @Override
        public boolean isFollowRedirects() {
            return follow;
        }

        @Override
        public void setFollowRedirects(boolean follow) {
            this.follow = follow;
        }
    }

    private static final class DerivedEngine extends Base {
    }

    /** An engine whose redirect handling can be read but not switched off. */
    public static class FixedEngine {
        public boolean isFollowRedirects() {
            return true;
        }
    }

    /** An engine that lets it be switched off but does not tell whether it followed. */
    public static class WriteOnlyEngine {
        public void setFollowRedirects(boolean follow) {
            throw new AssertionError("must not be called on an engine whose state cannot be read");
        }
    }

    private static <T> T proxy(Class<T> type, BiFunction<String, Object[], Object> answers) {
        return proxy(RedirectControlTest.class.getClassLoader(), type, answers);
    }

    private static <T> T proxy(ClassLoader loader, Class<T> type, BiFunction<String, Object[], Object> answers) {
        return type.cast(Proxy.newProxyInstance(loader, new Class<?>[] {type},
                (self, method, args) -> answers.apply(method.getName(), args)));
    }

    private static Configuration configuration(Map<String, Object> properties) {
        return proxy(Configuration.class, (name, args) -> switch (name) {
            case "getProperty" -> properties.get((String) args[0]);
            case "getProperties" -> properties;
            default -> throw new UnsupportedOperationException(name);
        });
    }

    /**
     * A RESTEasy-like client whose {@code httpEngine()} gives what {@code engine} supplies, of a class of its own
     * (defined in a class loader of its own): what the library learns once per client class starts afresh.
     */
    private static EngineClient client(Supplier<Object> engine) {
        Map<String, Object> properties = new ConcurrentHashMap<>();
        EngineClient[] self = new EngineClient[1];
        ClassLoader own = new ClassLoader(RedirectControlTest.class.getClassLoader()) { };
        self[0] = proxy(own, EngineClient.class, (name, args) -> switch (name) {
            case "httpEngine" -> engine.get();
            case "getConfiguration" -> configuration(properties);
            case "property" -> {
                properties.put((String) args[0], args[1]);
                yield self[0];
            }
            default -> throw new UnsupportedOperationException(name);
        });
        return self[0];
    }

    private static EngineClient client(Object engine) {
        return client(() -> engine);
    }

    /** A request of {@code client}, whose own configuration holds {@code configured}. */
    private static ClientRequestContext request(Client client, Map<String, Object> configured) {
        Map<String, Object> properties = new HashMap<>();
        return proxy(ClientRequestContext.class, (name, args) -> switch (name) {
            case "getClient" -> client;
            case "getProperty" -> properties.get((String) args[0]);
            case "setProperty" -> {
                properties.put((String) args[0], args[1]);
                yield null;
            }
            case "getConfiguration" -> configuration(configured);
            default -> throw new UnsupportedOperationException(name);
        });
    }

    private static ClientRequestContext request(Client client) {
        return request(client, Map.of());
    }

    @Test
    void anEngineThatFollowedRedirectsIsSwitchedOffOnceAndTheFilterFollowsThemInstead() {
        Engine engine = new Engine(true);
        EngineClient client = client(engine);

        assertThat(RedirectControl.takeOver(request(client))).isTrue();
        assertThat(engine.follow).as("the engine no longer follows redirects").isFalse();
        assertThat(RedirectControl.takeOver(request(client))).as("the application's choice, kept for the client")
                .isTrue();
        assertThat(logs.lines()).filteredOn(l -> l.contains("took over redirect handling")).singleElement()
                .asString().startsWith("FINE").contains("(it followed redirects)");
    }

    @Test
    void anEngineThatDidNotFollowRedirectsMeansTheFilterDoesNotEitherWhateverTheRequestSays() {
        EngineClient client = client(new Engine(false));

        assertThat(RedirectControl.takeOver(request(client, Map.of(JERSEY_FOLLOW, true)))).isFalse();
        assertThat(RedirectControl.takeOver(request(client, Map.of(JERSEY_FOLLOW, true)))).isFalse();
        assertThat(logs.lines()).anyMatch(l -> l.contains("(it did not follow redirects)"));
    }

    @Test
    void theEnginesMethodsAreFoundOnAPublicSuperclassOrAPublicInterfaceOfTheEngineOrItsSuperclass() {
        SubclassedEngine subclassed = new SubclassedEngine(true);
        InterfaceEngine withInterface = new InterfaceEngine(true);
        DerivedEngine derived = new DerivedEngine();

        assertThat(RedirectControl.takeOver(request(client(subclassed)))).isTrue();
        assertThat(RedirectControl.takeOver(request(client(withInterface)))).isTrue();
        assertThat(RedirectControl.takeOver(request(client(derived)))).isTrue();

        assertThat(subclassed.follow).isFalse();
        assertThat(withInterface.follow).isFalse();
        assertThat(derived.follow).isFalse();
    }

    @Test
    void anEngineClassThatIsNotPublicAndHasNoPublicSupertypeCannotBeSwitchedOffAndIsReported() {
        Object hidden = HiddenHttpEngines.following();

        assertThat(RedirectControl.takeOver(request(client(hidden)))).isFalse();
        assertThat(HiddenHttpEngines.follows(hidden)).as("nothing could be called on it").isTrue();
        assertThat(logs.lines()).filteredOn(l -> l.startsWith("WARNING")).singleElement().asString()
                .contains(hidden.getClass().getName());
    }

    @Test
    void anEngineWhoseRedirectsCannotBeSwitchedOffIsReportedOnceAndTheFilterDoesNotFollow() {
        EngineClient client = client(new FixedEngine());

        assertThat(RedirectControl.takeOver(request(client))).isFalse();
        assertThat(RedirectControl.takeOver(request(client))).isFalse();

        assertThat(logs.lines()).filteredOn(l -> l.startsWith("WARNING")).singleElement().asString()
                .contains(FixedEngine.class.getName()).contains("does not let its redirect handling be switched off");
    }

    @Test
    void anEngineWhoseStateCannotBeReadIsReportedAndLeftAlone() {
        assertThat(RedirectControl.takeOver(request(client(new WriteOnlyEngine())))).isFalse();

        assertThat(logs.lines()).filteredOn(l -> l.startsWith("WARNING")).singleElement().asString()
                .contains(WriteOnlyEngine.class.getName());
    }

    @Test
    void aClientWithoutAnEngineIsReportedAndTheFilterDoesNotFollow() {
        EngineClient client = client((Object) null);

        assertThat(RedirectControl.takeOver(request(client))).isFalse();
        assertThat(logs.lines()).filteredOn(l -> l.startsWith("WARNING")).singleElement().asString()
                .contains("HTTP engine (none)");
    }

    @Test
    void whenTheEngineCannotBeReachedTheJerseyPropertyDecidesAndFollowingIsOff() {
        EngineClient failing = client(() -> {
            throw new IllegalStateException("client closed");
        });
        ClientRequestContext following = request(failing);
        ClientRequestContext notFollowing = request(failing, Map.of(JERSEY_FOLLOW, false));

        assertThat(RedirectControl.takeOver(following)).isTrue();
        assertThat(RedirectControl.takeOver(notFollowing)).isFalse();

        assertThat(following.getProperty(JERSEY_FOLLOW)).as("switched off for the request").isEqualTo(Boolean.FALSE);
        assertThat(notFollowing.getProperty(JERSEY_FOLLOW)).as("already off in the configuration: left alone")
                .isNull();
        assertThat(logs.lines()).anyMatch(l -> l.startsWith("FINE") && l.contains("relying on the request property"));
    }

    @Test
    void aRequestWithoutAClientIsDecidedByItsProperty() {
        assertThat(RedirectControl.takeOver(request(null))).isTrue();
        assertThat(RedirectControl.takeOver(request(null, Map.of(JERSEY_FOLLOW, "false")))).isFalse();
    }

    @ParameterizedTest(name = "the engine followed redirects: {0}")
    @ValueSource(booleans = {true, false})
    void twoFirstRequestsOfAClientThatRaceBothDoWhatTheApplicationChose(boolean engineFollowed) {
        Engine engine = new Engine(engineFollowed);
        EngineClient[] client = new EngineClient[1];
        boolean[] otherRequestFollows = new boolean[1];
        int[] calls = new int[1];
        // the other request takes the engine over between this one's first look at the client and its lock
        client[0] = client(() -> {
            if (calls[0]++ == 0) {
                otherRequestFollows[0] = RedirectControl.takeOver(request(client[0]));
            }
            return engine;
        });

        boolean follows = RedirectControl.takeOver(request(client[0]));

        assertThat(otherRequestFollows[0]).isEqualTo(engineFollowed);
        assertThat(follows).as("what the other request recorded, not the engine it already switched off")
                .isEqualTo(engineFollowed);
        assertThat(engine.follow).isFalse();
    }
}
