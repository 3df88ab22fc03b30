package dev.sluice.bench;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;

/**
 * The floor under Sluice's per-request cost: a relay built from the same server and client (Helidon's
 * WebServer, a virtual thread per request; Jetty's HttpClient) that does nothing else. It reads the
 * request, sends it to the upstream with the bench key, and copies the status, the content type and the
 * body back (a stream chunk by chunk with a flush each). No auth, admission, translation, usage, log or
 * metrics: what Sluice spends above this is its own. Run by {@code profile --bare} in its own JVM, as
 * Sluice is: {@code BareRelay --port N --upstream URL}.
 */
public final class BareRelay {

    private BareRelay() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(arg(args, "--port"));
        String upstream = arg(args, "--upstream").replaceAll("/$", "");
        HttpClient http = new HttpClient();
        http.setMaxConnectionsPerDestination(256);
        http.setUserAgentField(null);
        http.getContentDecoderFactories().clear();
        http.start();
        WebServer server = WebServer.builder()
                .host("127.0.0.1")
                .port(port)
                .connectionOptions(o -> o.tcpNoDelay(true))
                .routing(r -> r.get("/health/ready", (req, res) -> res.send("ok"))
                        .post("/*", (req, res) -> relay(http, upstream, req, res)))
                .build()
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop();
            try {
                http.stop();
            } catch (Exception ignored) {
                // exiting anyway
            }
        }));
        Thread.currentThread().join();
    }

    private static void relay(HttpClient http, String upstream, ServerRequest req, ServerResponse res)
            throws Exception {
        byte[] body = req.content().inputStream().readAllBytes();
        InputStreamResponseListener listener = new InputStreamResponseListener();
        http.newRequest(upstream + req.path().rawPath())
                .method(HttpMethod.POST)
                .timeout(60, TimeUnit.SECONDS)
                .headers(h -> {
                    h.put(HttpHeader.AUTHORIZATION, "Bearer bench");
                    h.put("x-api-key", "bench");
                    h.put("anthropic-version", "2023-06-01");
                    h.put(HttpHeader.ACCEPT_ENCODING, "identity");
                })
                .body(new BytesRequestContent("application/json", body))
                .send(listener);
        Response head = listener.get(60, TimeUnit.SECONDS);
        res.status(Status.create(head.getStatus()));
        String type = head.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (type != null) {
            res.header(HeaderNames.CONTENT_TYPE, type);
        }
        try (InputStream in = listener.getInputStream()) {
            if (type != null && type.startsWith("text/event-stream")) {
                try (OutputStream out = res.outputStream()) {
                    byte[] buf = new byte[4096];
                    int n;
                    while ((n = in.read(buf)) >= 0) {
                        out.write(buf, 0, n);
                        out.flush();
                    }
                }
            } else {
                res.send(in.readAllBytes());
            }
        }
    }

    private static String arg(String[] args, String name) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        throw new IllegalArgumentException("BareRelay needs " + name);
    }
}
