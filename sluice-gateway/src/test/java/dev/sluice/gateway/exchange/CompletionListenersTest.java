package dev.sluice.gateway.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Outcome;
import dev.sluice.gateway.translate.Dialect;
import dev.sluice.gateway.translate.Usage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompletionListenersTest {

    static Completion completion() {
        return new Completion(
                "req-1",
                "/v1/messages",
                "POST",
                Dialect.ANTHROPIC,
                true,
                "claude",
                false,
                200,
                Outcome.SUCCESS,
                List.of("a/claude"),
                "a",
                "claude",
                Usage.NONE,
                false,
                "k1",
                "default",
                1_000,
                0,
                5_000_000,
                1_700_000_000_000L);
    }

    @Test
    void aThrowingListenerDoesNotStopTheNext() {
        List<String> told = new ArrayList<>();
        CompletionListeners listeners = new CompletionListeners(List.of(
                c -> told.add("first " + c.id()),
                c -> {
                    throw new IllegalStateException("broken listener");
                },
                c -> told.add("third " + c.id())));

        listeners.completed(completion());

        assertThat(told).containsExactly("first req-1", "third req-1");
    }

    @Test
    void theTargetsTriedAreASnapshot() {
        List<String> tried = new ArrayList<>(List.of("a/m"));
        Completion c = new Completion(
                "r",
                "/v1/messages",
                "POST",
                Dialect.OPENAI,
                true,
                "m",
                true,
                200,
                Outcome.SUCCESS,
                tried,
                "a",
                "m",
                Usage.NONE,
                false,
                null,
                null,
                10,
                0,
                20,
                0);
        tried.add("b/m");
        assertThat(c.tried()).containsExactly("a/m");
        assertThat(c.authenticated()).isFalse();
        assertThat(c.dialect()).isEqualTo("openai");
        assertThat(c.firstByteAfterNanos()).isZero();
        assertThat(c.durationNanos()).isEqualTo(10);
    }
}
