package dev.oauthfilter.internal.endpoint;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;

/**
 * The one JSON reader of the token endpoint protocol (token responses, error bodies, discovery metadata).
 *
 * <p>It reads with Jackson's streaming parser into Jackson's tree nodes, and so gives what
 * {@code ObjectMapper.readTree(byte[])} gives with the default settings: the same node types (int, long, big integer,
 * double), the last of duplicate names, a {@code MissingNode} for a body without content, the content after the first
 * value ignored, and the parser's own limits ({@code StreamReadConstraints}: nesting depth, number and string
 * length). It builds no {@code ObjectMapper}: building one loads over 400 classes (serializers, date formats, locale
 * data, a type factory) that reading a tree never uses, and made most of the first token's time in a fresh JVM.
 */
final class Json {

    /**
     * Thread-safe once configured; never reconfigured. Its buffers are recycled through a shared pool, not Jackson's
     * default per-thread cache: a soft reference on each container thread that once parsed a token response would
     * otherwise keep a stopped application's class loader alive until memory runs short.
     */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.newConcurrentDequePool()).build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Json() {
    }

    /**
     * @param content a JSON document
     * @return its tree; a {@code MissingNode} when there is no content
     * @throws IOException a {@code JsonProcessingException} (with its location) when the content is not JSON, a
     *                     {@code StreamConstraintsException} when it is beyond the parser's limits
     */
    static JsonNode readTree(byte[] content) throws IOException {
        try (JsonParser parser = FACTORY.createParser(content)) {
            JsonToken first = parser.nextToken();
            return first == null ? NODES.missingNode() : value(parser, first);
        }
    }

    // Recursion is as deep as the document is nested, which the parser stops at StreamReadConstraints' depth (1000).
    private static JsonNode value(JsonParser parser, JsonToken token) throws IOException {
        switch (token) {
            case START_OBJECT:
                ObjectNode object = NODES.objectNode();
                for (JsonToken next = parser.nextToken(); next != JsonToken.END_OBJECT; next = parser.nextToken()) {
                    String name = parser.currentName();
                    object.replace(name, value(parser, parser.nextToken()));
                }
                return object;
            case START_ARRAY:
                ArrayNode array = NODES.arrayNode();
                for (JsonToken next = parser.nextToken(); next != JsonToken.END_ARRAY; next = parser.nextToken()) {
                    array.add(value(parser, next));
                }
                return array;
            case VALUE_STRING:
                return NODES.textNode(parser.getText());
            case VALUE_NUMBER_INT:
                switch (parser.getNumberType()) {
                    case INT:
                        return NODES.numberNode(parser.getIntValue());
                    case LONG:
                        return NODES.numberNode(parser.getLongValue());
                    default:
                        return NODES.numberNode(parser.getBigIntegerValue());
                }
            case VALUE_NUMBER_FLOAT:
                return NODES.numberNode(parser.getDoubleValue());
            case VALUE_TRUE:
                return NODES.booleanNode(true);
            case VALUE_FALSE:
                return NODES.booleanNode(false);
            case VALUE_NULL:
                return NODES.nullNode();
            default:
                // the parser ends a document cut short with an exception of its own: nothing else reaches here
                throw new JsonParseException(parser, "unexpected " + token);
        }
    }
}
