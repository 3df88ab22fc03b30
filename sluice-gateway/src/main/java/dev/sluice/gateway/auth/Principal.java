package dev.sluice.gateway.auth;

import java.util.Optional;

/**
 * Who a request is from: a stored key (with its policy), a static key, anyone (open mode), or a client
 * whose own provider key is passed through.
 */
public record Principal(String keyId, String tenant, Optional<KeyPolicy> policy, Optional<String> passThroughKey) {

    static final String DEFAULT_TENANT = "default";

    static Principal stored(ApiKey k) {
        return new Principal(k.id(), k.tenant(), Optional.of(k.policy()), Optional.empty());
    }

    static Principal staticKey(int index) {
        return new Principal("static-" + index, DEFAULT_TENANT, Optional.empty(), Optional.empty());
    }

    static Principal anonymous() {
        return new Principal("anonymous", DEFAULT_TENANT, Optional.empty(), Optional.empty());
    }

    static Principal passThrough(String clientKey) {
        return new Principal("pass-through", DEFAULT_TENANT, Optional.empty(), Optional.of(clientKey));
    }
}
