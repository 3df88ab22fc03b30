package dev.sluice.gateway.translate;

import static dev.sluice.gateway.translate.TestJson.json;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenEstimatorTest {

    @Test
    void countsTextWithTheTokenizerPlusAPerMessageOverhead() {
        // "Hello world" is 2 o200k_base tokens
        assertThat(TokenEstimator.estimate(json("{'messages':[{'role':'user','content':'Hello world'}]}")))
                .isEqualTo(2 + TokenEstimator.PER_MESSAGE);
        assertThat(TokenEstimator.estimate(json("{'messages':[]}"))).isZero();
    }

    @Test
    void countsSystemToolsToolInputsResultsAndImages() {
        int base = TokenEstimator.estimate(json("{'messages':[{'role':'user','content':'hi'}]}"));
        assertThat(TokenEstimator.estimate(
                        json("{'system':'You are a careful assistant.','messages':[{'role':'user','content':'hi'}]}")))
                .isGreaterThan(base + 3);
        assertThat(
                        TokenEstimator.estimate(
                                json(
                                        "{'messages':[{'role':'user','content':'hi'}],'tools':[{'name':'get_weather',"
                                                + "'description':'Weather of a city','input_schema':{'type':'object','properties':{'location':{'type':'string'}}}}]}")))
                .isGreaterThan(base + 15);
        assertThat(TokenEstimator.estimate(
                        json("{'messages':[{'role':'assistant','content':[{'type':'tool_use','id':'t',"
                                + "'name':'get_weather','input':{'location':'Paris'}}]},{'role':'user','content':[{'type':'tool_result',"
                                + "'tool_use_id':'t','content':[{'type':'text','text':'18 degrees and sunny'}]}]}]}")))
                .isGreaterThan(2 * TokenEstimator.PER_MESSAGE + 10);
        assertThat(TokenEstimator.estimate(
                        json("{'messages':[{'role':'user','content':[{'type':'image','source':{'type':'base64',"
                                + "'media_type':'image/png','data':'iVBORw0KGgo='}}]}]}")))
                .isEqualTo(TokenEstimator.PER_MESSAGE + TokenEstimator.PER_IMAGE);
    }
}
