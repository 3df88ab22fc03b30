/**
 * A fake LLM provider: a real HTTP server (Jetty 12, virtual threads) speaking Anthropic Messages,
 * OpenAI Chat Completions, OpenAI Responses and Ollama chat, streaming and not, and OpenAI and Ollama
 * embeddings, with scripted faults. Answers are
 * deterministic: the same request gives the same bytes. Start one with
 * {@link dev.sluice.fake.FakeProvider#builder()}; the module's README has examples.
 *
 * <h2>Routes</h2>
 * <ul>
 *   <li>{@code POST /v1/messages} (query ignored) and {@code POST /v1/messages/count_tokens}
 *   <li>{@code POST /v1/chat/completions}, and {@code POST /chat/completions} for base URLs without {@code /v1}
 *   <li>{@code POST /openai/deployments/{deployment}/chat/completions?api-version=...} (Azure OpenAI):
 *       needs an {@code api-key} header (else 401) and a non-empty {@code api-version} (else 404
 *       "Resource not found"), errors in OpenAI error JSON with {@code code} "401" / "404"
 *   <li>{@code POST /serving-endpoints/{endpoint}/invocations} (Databricks): needs
 *       {@code Authorization: Bearer <token>} (else 401)
 *   <li>{@code POST /v1/responses}, and {@code POST /responses} (OpenAI Responses, {@link dev.sluice.fake.ResponsesDialect})
 *   <li>{@code POST /api/chat} (NDJSON streaming unless {@code "stream":false}); {@code GET /api/tags}
 *   <li>Embeddings ({@link dev.sluice.fake.Embeddings}): {@code POST /v1/embeddings}, {@code POST /embeddings},
 *       Azure {@code POST /openai/deployments/{deployment}/embeddings?api-version=...}, Databricks
 *       {@code POST /serving-endpoints/{endpoint}/invocations} with {@code input} and no {@code messages};
 *       Ollama {@code POST /api/embed}. The same text always gives the same unit vector (8 dimensions
 *       unless {@code dimensions} says); faults apply as to a whole chat answer
 *   <li>{@code GET /v1/models} (Anthropic shape when {@code anthropic-version} is sent, else OpenAI)
 *   <li>{@code GET /}: 200 {@code ok}, for health probes
 *   <li>{@code GET /v1/realtime?model=}, {@code GET /realtime?model=} and Azure's
 *       {@code GET /openai/realtime?deployment=&api-version=}: the OpenAI Realtime API over WebSocket
 *       ({@link dev.sluice.fake.Realtime}, {@link dev.sluice.fake.RealtimeSession}); a bearer token (Azure:
 *       {@code api-key}) or 401
 * </ul>
 * The Azure and Databricks routes speak OpenAI chat; the deployment or endpoint name is the model when
 * the body has none, and a name {@code fault-<name>} picks that fault even when the body names a model.
 *
 * <h2>Per-request headers</h2>
 * Durations are milliseconds ({@code 250}) or carry a unit ({@code 250ms}, {@code 2s}, {@code 1m}).
 * <table>
 *   <tr><th>header</th><th>meaning</th></tr>
 *   <tr><td>{@code x-fake-fault}</td><td>a fault name below (or send model {@code fault-<name>})</td></tr>
 *   <tr><td>{@code x-fake-latency}</td><td>wait before the response headers</td></tr>
 *   <tr><td>{@code x-fake-ttft}</td><td>wait before the first content delta</td></tr>
 *   <tr><td>{@code x-fake-delta-interval}</td><td>wait between content deltas</td></tr>
 *   <tr><td>{@code x-fake-deltas}</td><td>number of text deltas (= text output tokens)</td></tr>
 *   <tr><td>{@code x-fake-stall}</td><td>pause of the {@code stall} fault (default 30 s)</td></tr>
 *   <tr><td>{@code x-fake-fault-at}</td><td>after how many content deltas stream-cut, stall, malformed,
 *       malformed-event and stream-error strike (an integer; default half); ignored for other faults</td></tr>
 * </table>
 *
 * <h2>Fault name options</h2>
 * A fault name (model {@code fault-<name>...} or {@code x-fake-fault}) may end in options, in any order,
 * each at most once; an option a fault cannot take is a 400. The header {@code x-fake-fault-at},
 * {@code x-fake-ttft} or {@code x-fake-latency} wins over the option it overrides.
 * <table>
 *   <tr><th>option</th><th>meaning</th><th>example</th></tr>
 *   <tr><td>{@code -at-<N>}</td><td>stream-cut, stall, malformed, malformed-event and stream-error strike
 *       after N content deltas (thinking, text and tool-argument deltas alike) instead of half; N at
 *       least all of them: after the last delta, before the frame that follows it. Streams and realtime
 *       responses only</td><td>{@code fault-stream-cut-at-3}</td></tr>
 *   <tr><td>{@code -times-<K>}</td><td>only the first K requests this provider receives naming the fault
 *       by exactly the same string (model, deployment, or header value) get it; later ones are answered
 *       as for a healthy model. Counted per provider, thread-safe, up to 10,000 strings; count_tokens does
 *       not count</td><td>{@code fault-server-error-times-1}, {@code fault-stream-cut-at-3-times-1}</td></tr>
 *   <tr><td>{@code -after-<millis>}</td><td>the wait of slow-first-token (headers and the frames before
 *       the first delta at once, the first delta after it, then the usual pace) or slow-headers, instead
 *       of 30 s</td><td>{@code fault-slow-first-token-after-500}</td></tr>
 *   <tr><td>{@code -case-<N>}</td><td>nothing but a distinct string, so a test case gets a {@code -times-<K>}
 *       count of its own</td><td>{@code fault-server-error-times-1-case-3}</td></tr>
 * </table>
 *
 * <h2>Request options</h2>
 * <ul>
 *   <li><b>Thinking</b>: Anthropic {@code "thinking":{"type":"enabled","budget_tokens":N}} (1024 &le; N &lt;
 *       max_tokens, else 400) or {@code {"type":"adaptive"}}; OpenAI {@code "reasoning_effort"} other than
 *       {@code "none"}; Ollama {@code "think":true} (or a level). The answer starts with
 *       {@code "Let me think about this step by step before I answer."} (11 tokens, one delta per word): an Anthropic
 *       {@code thinking} block with a deterministic {@code signature}, OpenAI {@code reasoning_content},
 *       Ollama {@code message.thinking}. It counts toward output tokens in every dialect.
 *   <li><b>Tool calls</b>: a request offering tools, whose last turn is no tool result, is answered with a
 *       call of the first tool (or the one {@code tool_choice} names); its input fills each schema
 *       property ({@code "sluice"}, 42, true or null). <b>Two parallel calls</b> of the first two tools when
 *       at least two are offered, none is named, the last user text contains {@code parallel} (any case),
 *       and neither {@code "parallel_tool_calls":false} nor {@code disable_parallel_tool_use} is sent.
 *       A last turn of tool results is answered with text starting {@code Tool result: <texts joined by "; ">.}
 *   <li><b>Usage</b>: input tokens are the characters of the prompt's text / 4 in every dialect (see
 *       {@code Tokens}). {@code cache_control} on a system block, content block or message marks a cache
 *       breakpoint: the prefix up to the second-to-last mark is a cache read, from there to the last mark
 *       a cache write. Anthropic reports {@code input_tokens} (uncached), {@code cache_read_input_tokens},
 *       {@code cache_creation_input_tokens} (the last two only when something is marked); OpenAI
 *       {@code prompt_tokens} (all), {@code prompt_tokens_details.cached_tokens} (the read);
 *       Ollama {@code prompt_eval_count} (all).
 *   <li><b>Prefill</b> (continuing the assistant's text): an Anthropic request whose last message is
 *       {@code assistant} with text (a string or text blocks), or an OpenAI chat request whose last
 *       message is {@code assistant} with text and which sends {@code "continue_final_message": true}
 *       (vLLM's option), after at least one other message. The fake reads the request without that turn
 *       and takes the text it would answer then (its deltas joined); when the prefill text is a prefix
 *       of it, the answer is only the rest: the deltas after the prefill's end, the one it ends in cut
 *       there, so prefill + answer = the text without prefill; output tokens count those deltas, input
 *       tokens include the prefill. Otherwise the usual answer. Ollama and Responses do not continue.
 * </ul>
 *
 * <h2>Faults</h2>
 * {@code rate-limit} (429, retry-after 1), {@code rate-limit-no-retry-after} (429),
 * {@code server-error} (500), {@code unavailable} (503, retry-after 2), {@code overloaded} (529),
 * {@code context-length} (400), {@code reset} (TCP RST, no response), {@code no-answer} (never
 * answers; ends when the client leaves), {@code slow-headers}, {@code slow-first-token},
 * {@code stream-cut} (connection closed after half the deltas), {@code stall} (pause after half),
 * {@code malformed} (a non-JSON event mid-stream, the stream then going on to its end; a whole answer is
 * a non-JSON body), {@code malformed-event} (streams only: one event whose data is not JSON after half the
 * deltas, then every delta, the finish, the usage and the terminator as usual; whole answers unaffected),
 * {@code stream-error} (the dialect's in-band error event
 * after half the deltas, then the end; Responses: {@code error} then {@code response.failed}; whole
 * answers unaffected), {@code no-terminator} (no final event, clean end),
 * {@code content-filter} (stop reason refusal / content_filter), {@code flapping} (odd requests 503),
 * {@code big-events} (one 16 KiB text delta streamed max_tokens times, at most 100,000: tens of MiB
 * for a client that never reads; usage counts it once), {@code slow-reader} (realtime sessions only: no
 * client frame read for {@code x-fake-stall}), {@code refuse-prefill} (400 invalid_request_error in the
 * dialect's error body when the request's last message is an assistant turn, whatever its content and
 * {@code continue_final_message}; Responses: the last input item an assistant message; else no fault).
 * On a realtime session stream-cut drops the connection without
 * a close frame, stall pauses, stream-error sends an {@code error} event and keeps the session, malformed and
 * malformed-event send a non-JSON frame, and the status faults refuse the handshake.
 */
package dev.sluice.fake;
