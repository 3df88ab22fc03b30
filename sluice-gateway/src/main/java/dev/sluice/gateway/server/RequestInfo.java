package dev.sluice.gateway.server;

import dev.sluice.gateway.translate.Dialect;
import java.util.ArrayList;
import java.util.List;

/** What the access log tells about one request beyond method and status: dialect, stream, targets tried. */
final class RequestInfo {
    final String id;
    final Dialect client;
    boolean stream;
    String model = "";
    final List<String> tried = new ArrayList<>(3);

    RequestInfo(String id, Dialect client) {
        this.id = id;
        this.client = client;
    }
}
