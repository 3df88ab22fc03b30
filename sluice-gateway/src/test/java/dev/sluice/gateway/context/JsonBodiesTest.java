package dev.sluice.gateway.context;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Request bodies are exactly one JSON value, and every refusal is in plain words with where it happened. */
class JsonBodiesTest {

    /** Small limits, so each can be crossed with a small body. */
    private static final ObjectMapper SMALL = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(8)
                    .maxNumberLength(20)
                    .maxStringLength(50)
                    .build())
            .build());

    private static String refusal(ObjectMapper mapper, String body) {
        try {
            JsonBodies.read(mapper, body.getBytes(StandardCharsets.UTF_8));
        } catch (GatewayException e) {
            assertThat(e.status()).isEqualTo(400);
            return e.getMessage();
        }
        throw new AssertionError("accepted: " + body);
    }

    private static void assertPlain(String message) {
        assertThat(message)
                .doesNotContainIgnoringCase("jackson")
                .doesNotContain("Feature", "Constraints", "com.fasterxml", "(code ", "JsonParser", "Exception");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "garbage word after an object | {\"model\":\"x\",\"max_tokens\":5} garbage",
                "a second object | {\"model\":\"x\"}{\"model\":\"y\"}",
                "a number after an object | {\"a\":1} 2",
                "a stray bracket | {\"a\":1}]",
            })
    void dataAfterTheJsonValueIsRefused(String name, String body) {
        assertThat(refusal(Json.MAPPER, body)).isEqualTo("request body has data after the JSON value");
    }

    @Test
    void trailingWhitespaceIsFine() throws Exception {
        assertThat(JsonBodies.read("{\"a\":1} \n\t ".getBytes(StandardCharsets.UTF_8))
                        .path("a")
                        .asInt())
                .isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "unexpected character | {\"a\": ?} | line 1, column 7 | unexpected character '?' where a value should be",
                "unquoted name | {a:1} | line 1, column 2 | unexpected character 'a' where a field name in double quotes",
                "missing comma | {\"a\":1 \"b\":2} | line 1, column 8 | where a comma or '}' should be",
                "unknown word | {\"a\": nope} | line 1, column | unexpected word 'nope'",
                "cut short | {\"a\": [1, 2 | line 1 | the body ends before the JSON value does",
                "wrong closing bracket | {\"a\": [1}| line 1, column 9 | a closing bracket does not match",
                "leading zero | {\"a\": 01} | line 1 | a number is not written as JSON allows",
            })
    void syntaxErrorsNameThePositionAndAPlainReason(String name, String body, String where, String reason) {
        String m = refusal(Json.MAPPER, body);
        assertThat(m)
                .startsWith("request body is not valid JSON at ")
                .contains(where)
                .contains(reason);
        assertPlain(m);
    }

    @Test
    void aSyntaxErrorOnALaterLineNamesThatLine() {
        String m = refusal(Json.MAPPER, "{\n  \"a\": 1,\n  \"b\": ?\n}");
        assertThat(m).contains("line 3, column").contains("unexpected character '?'");
        assertPlain(m);
    }

    @Test
    void tooDeepNestingNamesTheLimit() {
        String m = refusal(SMALL, "[".repeat(9) + "]".repeat(9));
        assertThat(m)
                .startsWith("request body exceeds a size limit at line 1, column")
                .endsWith("arrays and objects nested deeper than 8 levels");
        assertPlain(m);
    }

    @Test
    void tooLongANumberNamesTheLimit() {
        String m = refusal(SMALL, "{\"a\": " + "9".repeat(21) + "}");
        assertThat(m).contains("at line 1").endsWith("a number longer than 20 digits");
        assertPlain(m);
    }

    @Test
    void tooLongAStringNamesTheLimit() {
        String m = refusal(SMALL, "{\"a\": \"" + "s".repeat(51) + "\"}");
        assertThat(m).contains("at line 1").endsWith("a string longer than 50 characters");
        assertPlain(m);
    }

    @Test
    void theGatewaysOwnNestingLimitIsNamedToo() {
        String m = refusal(Json.MAPPER, "[".repeat(300) + "]".repeat(300));
        assertThat(m).endsWith("nested deeper than 256 levels");
        assertPlain(m);
    }
}
