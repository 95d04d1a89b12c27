package dev.oauthfilter.endpoint;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The one JSON reader of the token endpoint protocol (token responses, error bodies, discovery metadata). */
final class Json {

    /** Thread-safe once configured; never reconfigured. */
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }
}
