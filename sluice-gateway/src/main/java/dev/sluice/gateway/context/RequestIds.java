package dev.sluice.gateway.context;

import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/** Request ids: the client's {@code x-request-id} when it is sane, else a new random one. */
public final class RequestIds {

    private RequestIds() {}

    public static String choose(@Nullable String fromClient) {
        if (fromClient != null
                && !fromClient.isEmpty()
                && fromClient.length() <= 128
                && fromClient.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            return fromClient;
        }
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "req_" + Long.toHexString(r.nextLong() | Long.MIN_VALUE)
                + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
    }
}
