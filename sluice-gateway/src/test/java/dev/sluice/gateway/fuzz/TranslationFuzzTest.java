package dev.sluice.gateway.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.gateway.config.ConfigException;
import dev.sluice.gateway.config.load.ConfigLoader;
import dev.sluice.gateway.provider.SseEvent;
import dev.sluice.gateway.translate.Dialect;
import dev.sluice.gateway.translate.StreamTranslator;
import dev.sluice.gateway.translate.Translate;
import dev.sluice.gateway.translate.TranslationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Fuzz targets for each dialect's request translation, the stream translators and the config loader.
 * Accepted outcomes: a result, a TranslationException / ConfigException (a clear error for the caller),
 * or, for input that is not JSON, a Jackson error before translation. Anything else is a bug.
 */
class TranslationFuzzTest {

    private static JsonNode json(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Translate.mapper().readTree(text);
        } catch (IOException notJson) {
            return null;
        }
    }

    @FuzzTest(maxDuration = "30s")
    void requestTranslationFailsOnlyWithATranslationException(String text) {
        JsonNode n = json(text);
        if (n == null || !n.isObject()) {
            return;
        }
        try {
            Translate.anthropicRequestToOpenAi(n);
        } catch (TranslationException expected) {
            // a clear 400 for the client
        }
        try {
            Translate.anthropicRequestToOllama(n);
        } catch (TranslationException expected) {
            // a clear 400 for the client
        }
        try {
            Translate.openAiRequestToAnthropic(n);
        } catch (TranslationException expected) {
            // a clear 400 for the client
        }
    }

    @FuzzTest(maxDuration = "30s")
    void streamTranslatorsFailOnlyWithATranslationException(FuzzedDataProvider in) {
        Dialect upstream = in.pickValue(Dialect.values());
        Dialect client = upstream == Dialect.RESPONSES
                ? Dialect.RESPONSES // a Responses upstream is passed through
                : in.pickValue(new Dialect[] {Dialect.ANTHROPIC, Dialect.OPENAI, Dialect.RESPONSES});
        StreamTranslator t = StreamTranslator.of(upstream, client, "m", in.consumeBoolean());
        for (int i = 0; i < 20 && in.remainingBytes() > 0; i++) {
            try {
                t.onFrame(new SseEvent(in.consumeBoolean() ? "message" : in.consumeString(20), in.consumeString(400)));
            } catch (TranslationException expected) {
                return; // the relay ends the stream with an error event
            }
            if (t.failed()) {
                return;
            }
        }
        t.errorFrame("api_error", "fuzz");
    }

    @FuzzTest(maxDuration = "30s")
    void theConfigLoaderFailsOnlyWithAConfigException(String yaml) throws IOException {
        if (yaml == null) {
            return;
        }
        Path file = Files.createTempFile("sluice-fuzz", ".yaml");
        try {
            Files.writeString(file, yaml);
            ConfigLoader.load(Optional.of(file), Map.of(), Map.of());
        } catch (ConfigException expected) {
            // every problem listed for the operator
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
