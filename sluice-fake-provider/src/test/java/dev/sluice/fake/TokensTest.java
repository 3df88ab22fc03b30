package dev.sluice.fake;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokensTest {

    @Test
    void countsTextAndContentStringsButNotRolesToolsOrImages() {
        Tokens.Prompt prompt =
                Tokens.count(Http.json("{\"system\":\"abcd\",\"tools\":[{\"name\":\"xxxxxxxxxxxxxxxx\"}],"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"abcdefgh\"},"
                        + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"t\",\"content\":\"abcd\"},"
                        + "{\"type\":\"image\",\"source\":{\"data\":\"AAAAAAAAAAAAAAAAAAAA\"}}]}]}"));

        assertThat(prompt).isEqualTo(new Tokens.Prompt(4, 0, 0, false));
    }

    @Test
    void aMarkedMessageEndsTheCachedPrefixAfterItsWholeContent() {
        Tokens.Prompt prompt = Tokens.count(Http.json("{\"messages\":["
                + "{\"role\":\"user\",\"content\":\"" + "a".repeat(40)
                + "\",\"cache_control\":{\"type\":\"ephemeral\"}},"
                + "{\"role\":\"assistant\",\"content\":\"" + "b".repeat(40) + "\"},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"" + "c".repeat(40)
                + "\",\"cache_control\":{\"type\":\"ephemeral\"}},{\"type\":\"text\",\"text\":\"" + "d".repeat(40)
                + "\"}]}]}"));

        assertThat(prompt.total()).isEqualTo(40);
        assertThat(prompt.cacheRead()).isEqualTo(10);
        assertThat(prompt.cacheCreation()).isEqualTo(20);
        assertThat(prompt.uncached()).isEqualTo(10);
        assertThat(prompt.marked()).isTrue();
    }

    @Test
    void anEmptyPromptIsOneToken() {
        assertThat(Tokens.count(Http.json("{}")).total()).isEqualTo(1);
    }
}
