package dev.sluice.gateway.responses;

import java.sql.SQLException;
import java.util.Optional;

/**
 * Responses API answers kept server-side, per tenant: {@link SqlResponseStore} when responses.store is on,
 * otherwise {@link #disabled()}, which finds nothing and keeps nothing. Another tenant's id is not found.
 */
public interface ResponseStore {

    /**
     * One stored response.
     *
     * @param input every input item of the conversation up to it, as a JSON array
     * @param response the response object as the client got it
     */
    record Stored(String id, String input, String response) {}

    static ResponseStore disabled() {
        return DisabledResponseStore.INSTANCE;
    }

    /** False only for {@link #disabled()}. */
    boolean enabled();

    Optional<Stored> get(String tenant, String id) throws SQLException;

    /**
     * Keeps a response; false (and nothing kept) when it is larger than the store takes for one response.
     * A second put of the same id replaces the first.
     */
    boolean put(String tenant, Stored stored) throws SQLException;

    /** Whether there was such a response to delete. */
    boolean delete(String tenant, String id) throws SQLException;
}
