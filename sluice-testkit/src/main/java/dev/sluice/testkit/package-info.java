/**
 * JUnit 5 fixtures every Sluice integration test uses.
 *
 * <ul>
 *   <li>{@link dev.sluice.testkit.LeakCheckExtension} (or {@link dev.sluice.testkit.LeakChecked}):
 *       after each test, waits until every {@link dev.sluice.core.LeakSource} held in a field of
 *       the test is clean; after the class, also that no new non-daemon thread is left running.
 *   <li>{@link dev.sluice.testkit.FakeProviderExtension}: a fake LLM provider per test class that
 *       fails the class if anything left a connection open to it.
 *   <li>{@link dev.sluice.testkit.SseTestClient}: a raw-socket HTTP/1.1 client for streaming
 *       endpoints that parses server-sent events and can drop the connection abruptly.
 * </ul>
 *
 * <p>Null-marked: a type is non-null unless it says {@code @Nullable}; NullAway checks this at
 * compile time.
 */
@NullMarked
package dev.sluice.testkit;

import org.jspecify.annotations.NullMarked;
