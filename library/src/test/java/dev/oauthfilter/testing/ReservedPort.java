package dev.oauthfilter.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A loopback port that nothing listens on (connections are refused) and that no other process can take, held by a
 * bound but unconnected socket with {@code SO_REUSEADDR}, so that a test can later start a server on it without the
 * race of probing a free port, closing it and binding it again.
 */
public final class ReservedPort implements AutoCloseable {

    private final Socket holder = new Socket();

    public ReservedPort() {
        try {
            holder.setReuseAddress(true);
            holder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return holder.getLocalPort();
    }

    /** Releases the reservation (a server bound to the port since keeps it). */
    @Override
    public void close() {
        try {
            holder.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
