package dev.sluice.core;

import java.util.List;

/**
 * Something that can say what it still holds that it should not: permits in flight, live request
 * scopes, open upstream exchanges. The testkit's leak check polls every {@code LeakSource} it finds
 * on a test class after each test and fails the test with the descriptions returned.
 */
public interface LeakSource {

    /** A short name for reports, e.g. {@code "gateway 127.0.0.1:8080"}. */
    String leakSourceName();

    /**
     * What is held now that should not be when the owner is idle, one human-readable line per
     * leak (e.g. {@code "inFlight=2 (expected 0)"}); empty when clean. Must be cheap and safe to
     * call from any thread at any time, including after close.
     */
    List<String> leaks();
}
