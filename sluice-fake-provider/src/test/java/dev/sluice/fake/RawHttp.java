package dev.sluice.fake;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** An HTTP/1.1 client on a bare socket, for tests that must see exact bytes or hang up at a chosen moment. */
final class RawHttp implements AutoCloseable {
    /** The end of a chunked body. */
    static final String LAST_CHUNK = "\r\n0\r\n\r\n";

    private final Socket socket;
    private final InputStream in;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();

    RawHttp(FakeProvider provider) {
        try {
            socket = new Socket("127.0.0.1", provider.port());
            socket.setSoTimeout(10_000);
            in = socket.getInputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends a POST; {@code headers} are name/value pairs. */
    RawHttp post(String path, String body, String... headers) {
        StringBuilder request = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: fake\r\n");
        for (int i = 0; i < headers.length; i += 2)
            request.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        request.append("Content-Type: application/json\r\nContent-Length: ")
                .append(bytes.length)
                .append("\r\n\r\n");
        try {
            socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Reads until what was received contains {@code marker}; fails on EOF or after 10 s of silence. */
    String readUntil(String marker) {
        byte[] buffer = new byte[8192];
        try {
            while (!text().contains(marker)) {
                int n = in.read(buffer);
                if (n < 0) throw new AssertionError("EOF before '" + marker + "'; got:\n" + text());
                received.write(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("before '" + marker + "'; got:\n" + text(), e);
        }
        return text();
    }

    /** Reads until the server closes the connection (EOF or reset); fails after 10 s of silence. */
    String readToEnd() {
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) received.write(buffer, 0, n);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("server did not close the connection; got:\n" + text(), e);
        } catch (IOException e) {
            // reset by the server also ends the response
        }
        return text();
    }

    String text() {
        return received.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
