package dev.oauthfilter.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A token endpoint on a bare socket, for faults an HTTP server library will not produce: while {@link #resetMidBody}
 * is on it sends the headers and part of the body, then resets the connection (TCP RST); otherwise it answers with a
 * token.
 */
public final class RawSocketServer implements AutoCloseable {

    private final ServerSocket socket;
    private final AtomicBoolean resetMidBody = new AtomicBoolean(true);
    private final AtomicInteger requests = new AtomicInteger();
    private final Thread acceptor;

    public RawSocketServer() throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::acceptLoop, "raw-socket-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + socket.getLocalPort() + path);
    }

    public void resetMidBody(boolean on) {
        resetMidBody.set(on);
    }

    public int requests() {
        return requests.get();
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try (Socket connection = socket.accept()) {
                readRequest(connection.getInputStream());
                requests.incrementAndGet();
                OutputStream out = connection.getOutputStream();
                if (resetMidBody.get()) {
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n"
                            + "{\"access_token\":\"partial").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    connection.setSoLinger(true, 0); // close with RST, mid-body
                } else {
                    byte[] body = "{\"access_token\":\"raw-ok\",\"token_type\":\"Bearer\",\"expires_in\":3600}"
                            .getBytes(StandardCharsets.US_ASCII);
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
                            + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body);
                    out.flush();
                }
            } catch (IOException e) {
                // the client went away, or the server is closing
            }
        }
    }

    private static void readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            head.write(b);
            String text = head.toString(StandardCharsets.US_ASCII);
            if (text.endsWith("\r\n\r\n")) {
                int at = text.toLowerCase().indexOf("content-length:");
                int length = at < 0 ? 0 : Integer.parseInt(text.substring(at + 15, text.indexOf("\r\n", at)).trim());
                in.readNBytes(length);
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
