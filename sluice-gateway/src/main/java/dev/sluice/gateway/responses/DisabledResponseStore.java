package dev.sluice.gateway.responses;

import java.util.Optional;

/** {@link ResponseStore#disabled()}: the store when responses.store is false. */
final class DisabledResponseStore implements ResponseStore {

    static final DisabledResponseStore INSTANCE = new DisabledResponseStore();

    private DisabledResponseStore() {}

    @Override
    public boolean enabled() {
        return false;
    }

    @Override
    public Optional<Stored> get(String tenant, String id) {
        return Optional.empty();
    }

    @Override
    public boolean put(String tenant, Stored stored) {
        return false;
    }

    @Override
    public boolean delete(String tenant, String id) {
        return false;
    }

    @Override
    public String toString() {
        return "ResponseStore.disabled()";
    }
}
