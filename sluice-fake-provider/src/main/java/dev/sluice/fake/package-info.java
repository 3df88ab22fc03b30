/**
 * A fake LLM provider: a real HTTP server (Jetty 12, virtual threads) speaking Anthropic Messages,
 * OpenAI Chat Completions and Ollama chat, streaming and not, with scripted faults. Answers are
 * deterministic: the same request gives the same bytes. Start one with
 * {@link dev.sluice.fake.FakeProvider#builder()}.
 *
 * <h2>Routes</h2>
 * <ul>
 *   <li>{@code POST /v1/messages} (query ignored) and {@code POST /v1/messages/count_tokens}
 *   <li>{@code POST /v1/chat/completions}
 *   <li>{@code POST /api/chat} (NDJSON streaming unless {@code "stream":false})
 *   <li>{@code GET /v1/models} (Anthropic shape when {@code anthropic-version} is sent, else OpenAI)
 * </ul>
 *
 * <h2>Per-request headers</h2>
 * Durations are milliseconds ({@code 250}) or carry a unit ({@code 250ms}, {@code 2s}, {@code 1m}).
 * <table>
 *   <tr><th>header</th><th>meaning</th></tr>
 *   <tr><td>{@code x-fake-fault}</td><td>a fault name below (or send model {@code fault-<name>})</td></tr>
 *   <tr><td>{@code x-fake-latency}</td><td>wait before the response headers</td></tr>
 *   <tr><td>{@code x-fake-ttft}</td><td>wait before the first content delta</td></tr>
 *   <tr><td>{@code x-fake-delta-interval}</td><td>wait between content deltas</td></tr>
 *   <tr><td>{@code x-fake-deltas}</td><td>number of text deltas (= output tokens)</td></tr>
 *   <tr><td>{@code x-fake-stall}</td><td>pause of the {@code stall} fault (default 30 s)</td></tr>
 * </table>
 *
 * <h2>Faults</h2>
 * {@code rate-limit} (429, retry-after 1), {@code rate-limit-no-retry-after} (429),
 * {@code server-error} (500), {@code unavailable} (503, retry-after 2), {@code overloaded} (529),
 * {@code context-length} (400), {@code reset} (TCP RST, no response), {@code no-answer} (never
 * answers; ends when the client leaves), {@code slow-headers}, {@code slow-first-token},
 * {@code stream-cut} (connection closed after half the deltas), {@code stall} (pause after half),
 * {@code malformed} (a non-JSON event mid-stream), {@code no-terminator} (no final event, clean end),
 * {@code content-filter} (stop reason refusal / content_filter), {@code flapping} (odd requests 503).
 */
package dev.sluice.fake;
