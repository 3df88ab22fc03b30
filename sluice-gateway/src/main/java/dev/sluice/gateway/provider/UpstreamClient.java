package dev.sluice.gateway.provider;

import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ByteBufferRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

/**
 * One upstream: a base URL and a bounded Jetty connection pool (max connections and max queued
 * requests per destination). Base URLs come only from operator config, never from a request.
 */
public final class UpstreamClient implements AutoCloseable {

    private final String name;
    private final URI baseUrl;
    /** The Host header, from the base URL: set on each request so Jetty need not build a URI to find it. */
    private final String host;

    private final HttpClient http;
    private final int maxConnections;
    private final int maxQueued;
    /** Parsed URIs by path and query; see {@link #resolve}. */
    private final java.util.concurrent.ConcurrentHashMap<String, URI> resolved =
            new java.util.concurrent.ConcurrentHashMap<>();

    static final int MAX_KEPT_URIS = 64;

    private UpstreamClient(String name, URI baseUrl, HttpClient http, int maxConnections, int maxQueued) {
        this.name = name;
        this.baseUrl = baseUrl;
        this.host = hostHeader(baseUrl);
        this.http = http;
        this.maxConnections = maxConnections;
        this.maxQueued = maxQueued;
    }

    /** Starts a client for {@code baseUrl} with the given pool bounds and connect timeout. */
    public static UpstreamClient start(
            String name, URI baseUrl, int maxConnections, int maxQueued, Duration connectTimeout) throws Exception {
        QueuedThreadPool pool =
                new QueuedThreadPool(Math.max(8, Runtime.getRuntime().availableProcessors() * 4), 2);
        pool.setName("sluice-upstream-" + name);
        pool.setIdleTimeout(5000); // shrink back to the minimum soon after a burst
        pool.setMaxEvictCount(1024);
        pool.setVirtualThreadsExecutor(java.util.concurrent.Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("sluice-upstream-" + name + "-vt-", 0).factory()));
        HttpClient http = new HttpClient();
        http.setName("sluice-upstream-" + name);
        http.setExecutor(pool);
        http.setScheduler(new ScheduledExecutorScheduler("sluice-upstream-" + name + "-scheduler", false));
        http.setConnectTimeout(connectTimeout.toMillis());
        http.setMaxConnectionsPerDestination(maxConnections);
        http.setMaxRequestsQueuedPerDestination(maxQueued);
        http.setFollowRedirects(false);
        http.setUserAgentField(null);
        http.getContentDecoderFactories().clear(); // relay bytes as sent; never inflate unbounded
        // one client serves every caller: a cookie one upstream answer sets must never ride on another caller's
        // request (and without a store Jetty builds no URI per request to match cookies against)
        http.setHttpCookieStore(new HttpCookieStore.Empty());
        http.start();
        return new UpstreamClient(name, baseUrl, http, maxConnections, maxQueued);
    }

    public String name() {
        return name;
    }

    public URI baseUrl() {
        return baseUrl;
    }

    public int maxConnections() {
        return maxConnections;
    }

    public int maxQueued() {
        return maxQueued;
    }

    /** Pool counts over this client's destinations: active, idle, and requests queued for a connection. */
    public record PoolCounts(int active, int idle, int queued) {}

    public PoolCounts poolCounts() {
        int active = 0;
        int idle = 0;
        int queued = 0;
        for (org.eclipse.jetty.client.Destination d : http.getDestinations()) {
            if (d instanceof org.eclipse.jetty.client.transport.HttpDestination hd) {
                queued += hd.getQueuedRequestCount();
                if (hd.getConnectionPool() instanceof org.eclipse.jetty.client.AbstractConnectionPool pool) {
                    active += pool.getActiveConnectionCount();
                    idle += pool.getIdleConnectionCount();
                }
            }
        }
        return new PoolCounts(active, idle, queued);
    }

    /**
     * Sends a request and returns at once; the caller awaits the headers on the returned call and
     * must close it (which aborts the exchange if it is still running).
     */
    public UpstreamCall send(
            String method,
            String pathAndQuery,
            Map<String, List<String>> headers,
            byte[] body,
            UpstreamTimeouts timeouts) {
        Request request = http.newRequest(resolve(pathAndQuery))
                .method(HttpMethod.fromString(method))
                .timeout(timeouts.total().toMillis(), TimeUnit.MILLISECONDS)
                // a backstop only: the relay's own first-byte and idle deadlines fire first and say which it was
                .idleTimeout(
                        Math.max(
                                        timeouts.idle().toMillis(),
                                        timeouts.firstByte().toMillis())
                                + 1000,
                        TimeUnit.MILLISECONDS)
                .headers(h -> {
                    headers.forEach((k, values) -> values.forEach(v -> h.add(k, v)));
                    // Jetty 12.1 asks for gzip even with no decoder installed; ask for the bytes as they are
                    h.put(HttpHeader.ACCEPT_ENCODING, "identity");
                    h.put(HttpHeader.HOST, host);
                });
        if (body.length > 0) {
            String type = headers.getOrDefault("content-type", List.of("application/json"))
                    .get(0);
            // what BytesRequestContent makes, without its stream pipeline per request
            request.body(new ByteBufferRequestContent(type, ByteBuffer.wrap(body)));
        }
        UpstreamBody listener = new UpstreamBody();
        request.send(listener);
        return new UpstreamCall(request, listener);
    }

    /**
     * The URI of a path on this upstream. The paths a provider is called on are few (its generation, embeddings
     * and models paths, with a fixed query such as Azure's api-version), so each is parsed once and kept: parsing
     * a URI on every request was 5% of self time in issue 20's profile. At most {@link #MAX_KEPT_URIS} are kept; any
     * further path is parsed each time.
     */
    URI resolve(String pathAndQuery) {
        URI known = resolved.get(pathAndQuery);
        if (known != null) {
            return known;
        }
        String base = baseUrl.toString();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        URI uri = URI.create(base + pathAndQuery);
        if (resolved.size() < MAX_KEPT_URIS) {
            resolved.putIfAbsent(pathAndQuery, uri);
        }
        return uri;
    }

    /** {@code host[:port]} of a base URL, the port left out when it is the scheme's default (as Jetty writes it). */
    static String hostHeader(URI base) {
        String h = base.getHost();
        if (h == null) { // a name URI does not take as a host (an underscore in it): the authority as written
            String authority = String.valueOf(base.getRawAuthority());
            return authority.substring(authority.indexOf('@') + 1);
        }
        int port = base.getPort();
        int defaultPort = "https".equalsIgnoreCase(base.getScheme()) ? 443 : 80;
        return port < 0 || port == defaultPort ? h : h + ":" + port;
    }

    /**
     * Stops the Jetty client. An interrupt during the stop stays set on the thread rather than thrown
     * (AutoCloseable's advice); any other failure is rethrown unchecked.
     */
    @Override
    public void close() {
        try {
            http.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new IllegalStateException("stopping upstream client " + name + " failed", e);
        }
    }
}
