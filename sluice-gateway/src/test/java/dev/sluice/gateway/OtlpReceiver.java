package dev.sluice.gateway;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;

/** A loopback OTLP/HTTP trace receiver: collects what is POSTed to {@code /v1/traces}, decoded with opentelemetry-proto. */
final class OtlpReceiver implements AutoCloseable {

    private final HttpServer server;
    private final ConcurrentLinkedQueue<Span> spans = new ConcurrentLinkedQueue<>();

    private OtlpReceiver(HttpServer server) {
        this.server = server;
    }

    static OtlpReceiver start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            OtlpReceiver receiver = new OtlpReceiver(server);
            server.createContext("/v1/traces", exchange -> {
                try (exchange;
                        InputStream in = exchange.getRequestBody()) {
                    ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(in.readAllBytes());
                    request.getResourceSpansList()
                            .forEach(rs ->
                                    rs.getScopeSpansList().forEach(ss -> receiver.spans.addAll(ss.getSpansList())));
                    exchange.getResponseHeaders().add("content-type", "application/x-protobuf");
                    exchange.sendResponseHeaders(200, -1);
                }
            });
            server.start();
            return receiver;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The spans received of the trace {@code traceId} (32 hex digits). */
    List<Span> trace(String traceId) {
        List<Span> out = new ArrayList<>();
        for (Span s : spans) {
            if (hex(s.getTraceId().toByteArray()).equals(traceId)) {
                out.add(s);
            }
        }
        return out;
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    /** A span's attribute as text (strings as they are, numbers and booleans in decimal), empty when absent. */
    static Optional<String> attribute(Span span, String key) {
        for (KeyValue kv : span.getAttributesList()) {
            if (kv.getKey().equals(key)) {
                var v = kv.getValue();
                return Optional.of(
                        switch (v.getValueCase()) {
                            case INT_VALUE -> Long.toString(v.getIntValue());
                            case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
                            case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
                            default -> v.getStringValue();
                        });
            }
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
