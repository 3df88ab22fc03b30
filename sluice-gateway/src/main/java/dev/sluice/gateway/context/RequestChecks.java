package dev.sluice.gateway.context;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.gateway.edge.ClientConnection;
import io.helidon.common.buffers.DataReader;
import io.helidon.webserver.http.ServerRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/** The checks a request passes before it reaches an upstream, each failing with a clear 4xx. */
public final class RequestChecks {

    private RequestChecks() {}

    public static void contentLength(ServerRequest req, long max) throws GatewayException {
        OptionalLong declared = req.headers().contentLength();
        if (declared.isPresent() && declared.getAsLong() > max) {
            throw tooLarge(declared.getAsLong(), max);
        }
    }

    public static byte[] readBody(ServerRequest req, long max) throws GatewayException {
        return readBody(req, max, null);
    }

    /**
     * Reads the whole body, at most {@code max} bytes, telling {@code connection} (when given) how far
     * it got so a slow upload can be cut. A body Helidon cannot decode (a bad chunk size or extension,
     * fewer bytes than Content-Length) is a 400.
     */
    public static byte[] readBody(ServerRequest req, long max, @Nullable ClientConnection connection)
            throws GatewayException {
        if (!req.content().hasEntity()) {
            return new byte[0];
        }
        try (InputStream in = req.content().inputStream()) {
            OptionalLong declared = req.headers().contentLength();
            if (declared.isPresent() && declared.getAsLong() > max) {
                throw tooLarge(declared.getAsLong(), max); // before an array of that size is made
            }
            byte[] body = declared.isPresent()
                    ? readDeclared(in, (int) declared.getAsLong(), connection)
                    : readChunked(in, max, connection);
            if (connection != null) {
                connection.bodyDone();
            }
            return body;
        } catch (IOException
                | UncheckedIOException
                | IllegalArgumentException
                | IllegalStateException
                | DataReader.InsufficientDataAvailableException e) { // the last: the body ended short (client EOF)
            if (e instanceof UncheckedIOException u && u.getCause() instanceof java.net.SocketException) {
                throw u; // the connection itself failed: nobody to answer
            }
            if (connection != null) {
                connection.closeAfterAnswer(); // where the next request would start is unknown
            }
            throw new GatewayException(
                    400,
                    "could not read the request body: the chunked encoding or the length"
                            + " does not match the data sent");
        }
    }

    /** A body of known length, read straight into its array (no growing buffer, no final copy). */
    private static byte[] readDeclared(InputStream in, int length, @Nullable ClientConnection connection)
            throws IOException, GatewayException {
        byte[] body = new byte[length];
        int off = 0;
        int n;
        while (off < length && (n = in.read(body, off, Math.min(16 * 1024, length - off))) >= 0) {
            off += n;
            if (connection != null) {
                connection.bodyRead(n);
            }
        }
        if (off < length) {
            throw new IOException("body shorter than its Content-Length");
        }
        return body;
    }

    /** A chunked body: at most {@code max} bytes, in a buffer that grows as it arrives. */
    private static byte[] readChunked(InputStream in, long max, @Nullable ClientConnection connection)
            throws IOException, GatewayException {
        int cap = (int) Math.min(Integer.MAX_VALUE - 8, max + 1);
        ByteArrayOutputStream body = new ByteArrayOutputStream(Math.min(cap, 64 * 1024));
        byte[] chunk = new byte[16 * 1024];
        int n;
        while (body.size() < cap && (n = in.read(chunk, 0, Math.min(chunk.length, cap - body.size()))) >= 0) {
            body.write(chunk, 0, n);
            if (connection != null) {
                connection.bodyRead(n);
            }
        }
        if (body.size() > max) {
            throw tooLarge(body.size(), max);
        }
        return body.toByteArray();
    }

    /** Parses a JSON object body (admin API), 400 otherwise. */
    public static JsonNode parseObject(byte[] body) throws GatewayException {
        JsonNode json = JsonBodies.read(body);
        if (json == null || !json.isObject()) {
            throw new GatewayException(400, "request body must be a JSON object");
        }
        return json;
    }

    private static GatewayException tooLarge(long size, long max) {
        return new GatewayException(
                413,
                "request_too_large",
                "request body is " + size + " bytes, larger than the limit of " + max + " bytes",
                null);
    }
}
