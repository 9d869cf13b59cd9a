package tw.tongbao.core.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class ChangeFiledBatchTests {

    private final JsonMapper json = JsonMapper.builder().build();

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> texts(List<byte[]> parts) {
        return parts.stream()
                .map(part -> new String(part, StandardCharsets.UTF_8))
                .toList();
    }

    @Test
    void splitGivesBackEachChangesBytesExactlyAsJoined() {
        // Multi-byte characters, escapes, brackets and braces inside strings, nested arrays: offsets are in bytes.
        String first = "{\"receipt\":\"TB-1\",\"data\":{\"address\":{\"street\":\"臺北市信義區市府路1號\"}},\"n\":[1,[2]]}";
        String second = "{ \"text\" : \"a \\\"quoted\\\" ] } [ {\" , \"emoji\":\"😀\" }";
        String third = "{}";

        byte[] body = ChangeFiledBatch.join(List.of(utf8(first), utf8(second), utf8(third)));

        assertThat(new String(body, StandardCharsets.UTF_8))
                .isEqualTo("{\"changes\":[" + first + "," + second + "," + third + "]}");
        assertThat(body).hasSize(utf8(first).length + utf8(second).length + 2 + ChangeFiledBatch.overhead(3));
        assertThat(texts(ChangeFiledBatch.split(json, body))).containsExactly(first, second, third);
    }

    @Test
    void splitSkipsOtherPropertiesAndWhitespace() {
        byte[] body =
                utf8(" {\"version\":{\"a\":[1]}, \"changes\" : [ {\"a\":1} ,\n {\"b\":\"x\"} ], \"more\":null } ");

        assertThat(texts(ChangeFiledBatch.split(json, body))).containsExactly("{\"a\":1}", "{\"b\":\"x\"}");
    }

    @Test
    void anElementThatIsNoChangeIsStillSplitOffForTheReaderToRefuse() {
        byte[] body = utf8("{\"changes\":[{\"a\":1},42,\"text\",null]}");

        assertThat(texts(ChangeFiledBatch.split(json, body))).containsExactly("{\"a\":1}", "42", "\"text\"", "null");
    }

    @Test
    void aBodyThatIsNoBatchCannotBeSplitAndSaysWhy() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ChangeFiledBatch.split(json, utf8("[{\"a\":1}]")))
                .withMessageContaining("JSON object");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ChangeFiledBatch.split(json, utf8("{\"changeId\":\"x\"}")))
                .withMessageContaining("non-empty \"changes\" array");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ChangeFiledBatch.split(json, utf8("{\"changes\":[]}")))
                .withMessageContaining("non-empty");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ChangeFiledBatch.split(json, utf8("{\"changes\":{\"a\":1}}")))
                .withMessageContaining("is an array");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ChangeFiledBatch.split(json, utf8("{\"changes\":[{\"a\":1}")))
                .withMessageContaining("not JSON");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ChangeFiledBatch.split(json, utf8("{\"changes\":[{\"a\":1}]} {}")))
                .withMessageContaining("after its end");
    }

    @Test
    void aBatchHoldsAtLeastOneChange() {
        assertThatIllegalArgumentException().isThrownBy(() -> ChangeFiledBatch.join(List.of()));
    }
}
