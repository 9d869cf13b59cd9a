package tw.tongbao.gateway.citizen;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class RequestFingerprintTests {

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void isTheSameForReorderedKeysAndOtherWhitespace() {
        String a = "{\"type\":\"NAME_CHANGE\",\"data\":{\"name\":\"王小明\",\"romanizedName\":\"WANG\"}}";
        String b = "{ \"data\" : { \"romanizedName\" : \"WANG\", \"name\" : \"王小明\" },\n \"type\" : \"NAME_CHANGE\" }";

        assertThat(fingerprint(a)).isEqualTo(fingerprint(b)).hasSize(64).matches("[0-9a-f]{64}");
    }

    @Test
    void differsForADifferentValue() {
        assertThat(fingerprint("{\"data\":{\"name\":\"王小明\"}}"))
                .isNotEqualTo(fingerprint("{\"data\":{\"name\":\"王大明\"}}"));
    }

    @Test
    void differsForADifferentOrderInsideAnArray() {
        assertThat(fingerprint("{\"notify\":[\"TPC\",\"POST\"]}"))
                .isNotEqualTo(fingerprint("{\"notify\":[\"POST\",\"TPC\"]}"));
    }

    @Test
    void keepsKeysAndStringsApart() {
        assertThat(fingerprint("{\"a\":\"b,c\"}")).isNotEqualTo(fingerprint("{\"a\":\"b\",\"c\":null}"));
    }

    private String fingerprint(String body) {
        JsonNode tree = json.readTree(body);
        return RequestFingerprint.of(tree);
    }
}
