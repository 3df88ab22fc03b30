package dev.sluice.gateway.auth;

import dev.sluice.gateway.config.Secret;
import dev.sluice.gateway.config.SluiceConfig;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Authenticates a client request by auth.mode: pass-through takes any key (it goes upstream); a
 * static key or a stored {@code sk-sluice-} key is checked; open mode accepts any other key.
 *
 * <p>Two failure limiters, each counting per client address with its own counters
 * (auth.failure-limit within auth.failure-window): wrong client keys block client routes only, wrong
 * admin keys block the admin API only. In open mode client routes are never blocked and no client-key
 * failure is counted. An address blocked for admin failures is refused even with the right admin key
 * until its window ends (otherwise the block would not stop a brute force), but its client traffic flows.
 */
public final class Access {

    /** The subprotocol prefix that carries a client key on a WebSocket handshake. */
    public static final String WEBSOCKET_KEY_PREFIX = "openai-insecure-api-key.";

    private Access() {}

    /** The client behind {@code req}; {@code authenticator} checks stored keys and counts client-key failures. */
    public static Principal check(ServerRequest req, SluiceConfig.Auth auth, Authenticator authenticator)
            throws AccessDenied {
        String key = presentedKey(req)
                .orElseThrow(
                        () -> new AccessDenied(401, "missing API key: send it as x-api-key or Authorization: Bearer"));
        if (auth.mode() == SluiceConfig.AuthMode.PASS_THROUGH) {
            return Principal.passThrough(key);
        }
        boolean open = auth.mode() == SluiceConfig.AuthMode.OPEN;
        String address = address(req);
        if (!open) {
            Optional<Duration> blocked = authenticator.blockedFor(address);
            if (blocked.isPresent()) {
                throw tooMany(blocked.get());
            }
        }
        List<Secret> statics = auth.apiKeys();
        int match = -1;
        for (int i = 0; i < statics.size(); i++) {
            if (statics.get(i).matches(key) && match < 0) { // every key is compared: no early exit
                match = i;
            }
        }
        if (match >= 0) {
            return Principal.staticKey(match);
        }
        if (key.startsWith(KeyStore.PREFIX)) {
            Authenticator.Result r = open ? authenticator.find(key) : authenticator.authenticate(key, address);
            if (r instanceof Authenticator.Allowed allowed) {
                return Principal.stored(allowed.key());
            }
            if (r instanceof Authenticator.Denied d) {
                throw d.status() == 429
                        ? tooMany(d.retryAfter().orElse(Duration.ofSeconds(1)))
                        : new AccessDenied(d.status(), d.type(), d.message(), "1");
            }
            if (open) {
                return Principal.anonymous();
            }
            throw new AccessDenied(
                    401,
                    "authentication_error",
                    ((Authenticator.Unknown) r).revoked() ? "API key revoked" : "invalid API key",
                    null);
        }
        if (open) {
            return Principal.anonymous();
        }
        authenticator.fail(address);
        throw new AccessDenied(401, "authentication_error", "invalid API key", null);
    }

    /**
     * Whether the request carries the admin key, counting a wrong or missing one as an admin failure. An
     * address over the admin failure limit gets 429 even with the right key until its window ends.
     */
    public static void requireAdmin(ServerRequest req, Secret admin, FailureLimiter failures) throws AccessDenied {
        if (admin.isEmpty()) {
            throw new AccessDenied(404, "not_found_error", "the admin API is off: set auth.admin-key", null);
        }
        String address = address(req);
        Optional<Duration> blocked = failures.blockedFor(address);
        if (blocked.isPresent()) {
            throw tooMany(blocked.get());
        }
        Optional<String> key = presentedKey(req);
        if (key.isEmpty() || !admin.matches(key.get())) {
            failures.fail(address);
            throw new AccessDenied(401, "authentication_error", "admin key required", null);
        }
    }

    static Optional<String> presentedKey(ServerRequest req) {
        Optional<String> key = req.headers().first(HeaderNames.create("x-api-key"));
        if (key.isEmpty()) {
            String h = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
            if (h.regionMatches(true, 0, "Bearer ", 0, 7)) {
                key = Optional.of(h.substring(7).trim());
            }
        }
        if (key.isEmpty()) { // browser WebSocket clients can set no header but the subprotocols they offer
            key = websocketKey(req.headers().values(HeaderNames.create("sec-websocket-protocol")));
        }
        return key.filter(k -> !k.isEmpty());
    }

    /** The key browser clients of the Realtime API offer as the subprotocol {@code openai-insecure-api-key.<key>}. */
    static Optional<String> websocketKey(List<String> headerValues) {
        for (String value : headerValues) {
            for (String protocol : value.split(",", -1)) {
                String p = protocol.strip();
                if (p.startsWith(WEBSOCKET_KEY_PREFIX)) {
                    return Optional.of(p.substring(WEBSOCKET_KEY_PREFIX.length()));
                }
            }
        }
        return Optional.empty();
    }

    /** The client's IP address, as the failure limiters count it. */
    public static String address(ServerRequest req) {
        return req.remotePeer().address() instanceof InetSocketAddress a && a.getAddress() != null
                ? a.getAddress().getHostAddress()
                : String.valueOf(req.remotePeer().address());
    }

    private static AccessDenied tooMany(Duration wait) {
        long s = Math.max(1, (wait.toMillis() + 999) / 1000);
        return new AccessDenied(
                429,
                "rate_limit_error",
                "too many failed authentications from this address; retry in " + s + " s",
                Long.toString(s));
    }
}
