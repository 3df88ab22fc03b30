package dev.sluice.gateway.proxy;

import dev.sluice.gateway.translate.Dialect;
import org.jspecify.annotations.Nullable;

/** The client-facing routes, their dialect and what they do. */
public enum Route {
    MESSAGES("POST", "/v1/messages", Dialect.ANTHROPIC, true),
    COUNT_TOKENS("POST", "/v1/messages/count_tokens", Dialect.ANTHROPIC, false),
    CHAT_COMPLETIONS("POST", "/v1/chat/completions", Dialect.OPENAI, true),
    RESPONSES("POST", "/v1/responses", Dialect.RESPONSES, true),
    EMBEDDINGS("POST", "/v1/embeddings", Dialect.OPENAI, false),
    STORED_RESPONSE("GET", "/v1/responses/{id}", Dialect.RESPONSES, false),
    DELETE_RESPONSE("DELETE", "/v1/responses/{id}", Dialect.RESPONSES, false),
    MODELS("GET", "/v1/models", null, false);

    final String method;
    final String path;
    final @Nullable Dialect dialect; // null: the caller's dialect decides (the model list)
    /** Whether it generates an answer (routed, streamed or whole, cached, recorded as usage). */
    final boolean generation;
    /** Whether it takes a JSON body (and calls an upstream); the others are GETs and DELETEs. */
    final boolean takesBody;
    /** Whether it is routed to a target and recorded as usage: generation and embeddings. */
    final boolean metered;

    Route(String method, String path, @Nullable Dialect dialect, boolean generation) {
        this.method = method;
        this.path = path;
        this.dialect = dialect;
        this.generation = generation;
        this.takesBody = method.equals("POST");
        this.metered = generation || "/v1/embeddings".equals(path);
    }

    /** Whether it generates an answer (see {@link #generation}). */
    public boolean generates() {
        return generation;
    }
}
