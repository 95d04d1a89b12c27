package dev.oauthfilter.internal.endpoint;

import java.net.URI;

/**
 * A token endpoint as a log line, a message or a span may show it: scheme, host, port and path. Never its user info
 * (a discovered endpoint may carry some) nor its query (where a client's key may be) nor a fragment; a path beyond
 * {@link #MAX_PATH_LENGTH} characters is cut (a discovered endpoint's comes from a server), never inside a percent
 * escape.
 */
final class ShownEndpoint {

    static final int MAX_PATH_LENGTH = 256;

    private ShownEndpoint() {
    }

    /**
     * @param endpoint an absolute http(s) URI with a host
     * @return what of it may be shown
     */
    static URI of(URI endpoint) {
        String path = endpoint.getRawPath() == null ? "" : endpoint.getRawPath();
        if (path.length() > MAX_PATH_LENGTH) {
            int cut = MAX_PATH_LENGTH;
            int escape = path.lastIndexOf('%', cut - 1);
            if (escape > cut - 3) {
                cut = escape;
            }
            path = path.substring(0, cut);
        }
        String port = endpoint.getPort() < 0 ? "" : ":" + endpoint.getPort();
        return URI.create(endpoint.getScheme() + "://" + endpoint.getHost() + port + path);
    }
}
