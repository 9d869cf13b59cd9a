package tw.tongbao.adapters.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.core.envelope.ChangeFiled;
import tw.tongbao.core.fixtures.Changes;

class ChangeReaderTests {

    private final JsonMapper json = JsonMapper.builder().build();
    private final ChangeReader reader = new ChangeReader(json);

    @Test
    void readsTheChangeAndTheAgencysEntry() {
        ChangeFiled change = Changes.addressChange("NTA", "TPC");

        ChangeReader.Read read = reader.read(message(json.writeValueAsString(change)), "TPC");

        assertThat(read.change().receipt()).isEqualTo(change.receipt());
        assertThat(read.addressee()).isEqualTo(change.addresseeFor("TPC").orElseThrow());
    }

    @Test
    void unparseableJsonIsPoison() {
        assertThatThrownBy(() -> reader.read(message("{not json"), "NTA"))
                .isInstanceOf(PoisonMessage.class)
                .hasMessageContaining("unparseable");
    }

    @Test
    void unknownChangeTypeIsPoison() {
        String text = json.writeValueAsString(Changes.addressChange("NTA")).replace("ADDRESS_CHANGE", "PET_CHANGE");

        assertThatThrownBy(() -> reader.read(message(text), "NTA"))
                .isInstanceOf(PoisonMessage.class)
                .hasMessageContaining("unknown change type");
    }

    @Test
    void changeNotAddressedToTheAgencyIsPoison() {
        String text = json.writeValueAsString(Changes.addressChange("NTA"));

        assertThatThrownBy(() -> reader.read(message(text), "TPC"))
                .isInstanceOf(PoisonMessage.class)
                .hasMessageContaining("no addressee entry for agency TPC");
    }

    @Test
    void poisonReasonNeverQuotesTheNationalId() {
        String text = "{\"receipt\":\"TB-1\",\"subjectId\":\"A123456789\",\"type\":\"ADDRESS_CHANGE\"}";

        assertThatThrownBy(() -> reader.read(message(text), "NTA"))
                .isInstanceOf(PoisonMessage.class)
                .message()
                .doesNotContain("A123456789");
    }

    private static Message message(String body) {
        MessageProperties properties = new MessageProperties();
        properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        return new Message(body.getBytes(StandardCharsets.UTF_8), properties);
    }
}
