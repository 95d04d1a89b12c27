package dev.oauthfilter.internal.endpoint;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Json#readTree} against what it replaces, {@code ObjectMapper.readTree(byte[])} as the library configured it:
 * for any body, the same tree (node for node, of the same classes, members in the same order) or an exception of the
 * same class at the same place.
 */
class JsonTest {

    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.newConcurrentDequePool()).build()).build();

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"access_token\":\"t\",\"token_type\":\"Bearer\",\"expires_in\":3600,\"scope\":\"read\"}",
            "{\"expires_in\":\"3600\"}", "{\"expires_in\":3600.5}", "{\"expires_in\":1e400}", "{\"expires_in\":-1e400}",
            "{\"expires_in\":1e-400}", "{\"expires_in\":-0}", "{\"expires_in\":-0.0}", "{\"n\":2147483647}",
            "{\"n\":2147483648}", "{\"n\":9223372036854775807}", "{\"n\":9223372036854775808}", "{\"n\":1E3}",
            "{\"n\":12345678901234567890.123456789}", "{\"a\":1,\"a\":\"two\"}", "{\"a\":{\"b\":[1,{\"c\":null}]},\"a\":[]}",
            "{\"t\":true,\"f\":false,\"z\":null,\"e\":\"\",\"o\":{},\"l\":[]}", "{\"s\":\"\\u0000\\r\\n\\\"\\ud83d\\ude00\"}",
            "{\"mtls_endpoint_aliases\":{\"token_endpoint\":\"https://mtls.example.com/token\"}}",
            "{} trailing", "{\"a\":1}{\"b\":2}", "[1,2]", "\"text\"", "42", "null", "true", "", "   ", "\n",
            "{", "{\"a\":", "{\"a\":1", "[1,", "{\"a\":1,}", "{a:1}", "{'a':1}", "{\"a\":NaN}", "{\"a\":01}",
            "{\"a\":+1}", "{\"a\":.5}", "{\"a\":\"\\x\"}", "<html>", "access_token=x", "\uFEFF{\"a\":1}",
            "{\"a\":\"unterminated}", "{\"a\" 1}", "{\"a\":1]", "[}", "]", "}"})
    void readsEveryBodyAsTheObjectMapperDid(String body) {
        assertSameAsTheMapper(body.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(ints = {999, 1000, 1001, 2000})
    void stopsAtTheParsersNestingLimitAsTheObjectMapperDid(int depth) {
        assertSameAsTheMapper(("{\"x\":" + "[".repeat(depth) + "]".repeat(depth) + "}").getBytes(StandardCharsets.UTF_8));
        assertSameAsTheMapper(("{\"x\":" + "{\"y\":".repeat(depth) + "1" + "}".repeat(depth) + "}")
                .getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(ints = {999, 1000, 1001, 1500})
    void stopsAtTheParsersNumberLimitsAsTheObjectMapperDid(int digits) {
        assertSameAsTheMapper(("{\"n\":" + "9".repeat(digits) + "}").getBytes(StandardCharsets.UTF_8));
        assertSameAsTheMapper(("{\"n\":0." + "9".repeat(digits) + "}").getBytes(StandardCharsets.UTF_8));
    }

    @Property(tries = 500)
    void readsAnyTextAsTheObjectMapperDid(@ForAll("almostJson") String body) {
        assertSameAsTheMapper(body.getBytes(StandardCharsets.UTF_8));
    }

    @Property(tries = 200)
    void readsAnyBytesAsTheObjectMapperDid(@ForAll byte[] body) {
        assertSameAsTheMapper(body);
    }

    /** JSON documents, and the same cut short or with a character changed. */
    @Provide
    Arbitrary<String> almostJson() {
        Arbitrary<String> documents = value(3);
        return Arbitraries.oneOf(documents, documents.flatMap(document -> Arbitraries.integers()
                        .between(0, document.length()).map(cut -> document.substring(0, cut))),
                documents.flatMap(document -> Arbitraries.integers().between(0, Math.max(0, document.length() - 1))
                        .flatMap(at -> Arbitraries.of('"', ',', ':', '}', ']', '\\', 'x', ' ')
                                .map(c -> document.isEmpty() ? document
                                        : document.substring(0, at) + c + document.substring(at + 1)))));
    }

    private static Arbitrary<String> value(int depth) {
        Arbitrary<String> scalar = Arbitraries.oneOf(
                Arbitraries.of("null", "true", "false", "0", "-0", "1", "-1", "2147483648", "-9223372036854775809",
                        "1.5", "1e3", "1E-3", "-0.0", "1e400", "12345678901234567890"),
                Arbitraries.strings().ofMaxLength(8).map(JsonTest::quoted));
        if (depth == 0) {
            return scalar;
        }
        Arbitrary<String> member = Arbitraries.of("access_token", "token_type", "expires_in", "error", "a", "a", "")
                .flatMap(name -> value(depth - 1).map(v -> quoted(name) + ":" + v));
        Arbitrary<String> object = member.list().ofMaxSize(4).map(members -> "{" + String.join(",", members) + "}");
        Arbitrary<String> array = value(depth - 1).list().ofMaxSize(3).map(items -> "[" + String.join(",", items) + "]");
        return Arbitraries.oneOf(scalar, object, array);
    }

    private static String quoted(String text) {
        StringBuilder out = new StringBuilder("\"");
        text.chars().forEach(c -> out.append(c == '"' || c == '\\' || c < 0x20 ? String.format("\\u%04x", c)
                : String.valueOf((char) c)));
        return out.append('"').toString();
    }

    private static void assertSameAsTheMapper(byte[] body) {
        Object expected = outcome(() -> MAPPER.readTree(body));
        Object actual = outcome(() -> Json.readTree(body));
        if (expected instanceof Throwable) {
            assertThat(actual).as("the mapper threw %s", expected).isInstanceOf(Throwable.class);
            assertThat(actual.getClass()).isEqualTo(expected.getClass());
            assertThat(((Throwable) actual).getMessage()).isEqualTo(((Throwable) expected).getMessage());
        } else {
            assertThat(actual).as("the mapper read %s", expected).isInstanceOf(JsonNode.class);
            assertSameTree((JsonNode) actual, (JsonNode) expected);
        }
    }

    private static void assertSameTree(JsonNode actual, JsonNode expected) {
        assertThat(actual.getClass()).isEqualTo(expected.getClass());
        assertThat(actual).isEqualTo(expected);
        assertThat(names(actual)).isEqualTo(names(expected));
        for (int i = 0; i < expected.size(); i++) {
            if (expected.isArray()) {
                assertSameTree(actual.get(i), expected.get(i));
            }
        }
        expected.fieldNames().forEachRemaining(name -> assertSameTree(actual.get(name), expected.get(name)));
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    private interface Read {
        JsonNode read() throws Exception;
    }

    private static Object outcome(Read read) {
        try {
            return read.read();
        } catch (Exception e) {
            return e;
        }
    }
}
