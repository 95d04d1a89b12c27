package dev.oauthfilter.internal.endpoint;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The one JSON reader of the token endpoint protocol (token responses, error bodies, discovery metadata). */
final class Json {

    /**
     * Thread-safe once configured; never reconfigured. Its buffers are recycled through a shared pool, not Jackson's
     * default per-thread cache: a soft reference on each container thread that once parsed a token response would
     * otherwise keep a stopped application's class loader alive until memory runs short.
     */
    static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.newConcurrentDequePool()).build()).build();

    private Json() {
    }
}
