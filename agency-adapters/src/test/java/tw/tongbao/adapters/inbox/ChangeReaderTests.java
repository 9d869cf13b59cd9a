package tw.tongbao.adapters.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.core.change.ChangeType;
import tw.tongbao.core.envelope.ChangeFiled;
import tw.tongbao.core.fixtures.Changes;

class ChangeReaderTests {

    private static final String[] FIVE = {"NTA", "TPC", "NHIA", "CEDAR", "MOI"};

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

    @Test
    void aMessageThatIsNotJsonIsPoison() {
        MessageProperties properties = new MessageProperties();
        properties.setContentType(MessageProperties.CONTENT_TYPE_TEXT_PLAIN);
        Message text = new Message(json.writeValueAsBytes(Changes.addressChange("NTA")), properties);

        assertThatThrownBy(() -> reader.read(text, "NTA"))
                .isInstanceOf(PoisonMessage.class)
                .hasMessage("not a JSON message (content type text/plain)");
    }

    @Test
    void aBodyWithoutContentTypeIsReadAsJson() {
        // Spring AMQP's default content type; the converter this reader replaced read such bodies as JSON too.
        Message untyped = new Message(json.writeValueAsBytes(Changes.addressChange("NTA")), new MessageProperties());

        assertThat(reader.read(untyped, "NTA").change().type()).isEqualTo(ChangeType.ADDRESS_CHANGE);
    }

    @Test
    void readsABodyInTheCharsetTheMessageNames() {
        ChangeFiled change = Changes.filed(ChangeType.ADDRESS_CHANGE, "A123456789", 3, Map.of("note", "café"), "NTA");
        String text = json.writeValueAsString(change).replace(change.subjectName(), "Zoé");
        MessageProperties properties = new MessageProperties();
        properties.setContentType("application/json; charset=ISO-8859-1");
        Message latin1 = new Message(text.getBytes(StandardCharsets.ISO_8859_1), properties);

        ChangeFiled read = reader.read(latin1, "NTA").change();

        assertThat(read.subjectName()).isEqualTo("Zoé");
        assertThat(read.data()).containsEntry("note", "café");
    }

    @Test
    void emptyOrNullBodiesArePoison() {
        assertThatThrownBy(() -> reader.read(message(""), "NTA"))
                .isInstanceOf(PoisonMessage.class)
                .hasMessageContaining("unparseable");
        assertThatThrownBy(() -> reader.read(message("null"), "NTA"))
                .isInstanceOf(PoisonMessage.class)
                .hasMessageContaining("unparseable");
    }

    @Test
    void aChangeOnFiveAgencyQueuesInOneBatchIsParsedOnce() {
        AtomicInteger parses = new AtomicInteger();
        ChangeReader.Batch batch = counting(parses).batch();
        ChangeFiled change = Changes.addressChange(FIVE);
        byte[] body = json.writeValueAsBytes(change);

        for (String agency : FIVE) {
            ChangeReader.Read read = batch.read(copy(change, body), agency);
            assertThat(read.addressee()).isEqualTo(change.addresseeFor(agency).orElseThrow());
        }

        assertThat(parses).hasValue(1);
    }

    @Test
    void aDamagedCopyIsParsedOnItsOwnAndSetAsideAloneWhicheverComesFirst() {
        ChangeFiled change = Changes.addressChange(FIVE);
        byte[] good = json.writeValueAsBytes(change);
        byte[] damaged = Arrays.copyOf(good, good.length - 1);
        AtomicInteger parses = new AtomicInteger();
        ChangeReader.Batch batch = counting(parses).batch();

        assertThatThrownBy(() -> batch.read(copy(change, damaged), "NTA")).isInstanceOf(PoisonMessage.class);
        assertThat(batch.read(copy(change, good), "TPC").change().receipt()).isEqualTo(change.receipt());
        assertThat(batch.read(copy(change, good), "NHIA").change().receipt()).isEqualTo(change.receipt());
        assertThatThrownBy(() -> batch.read(copy(change, damaged), "CEDAR")).isInstanceOf(PoisonMessage.class);
        assertThat(batch.read(copy(change, good), "MOI").change().receipt()).isEqualTo(change.receipt());

        // The damaged copy first, then the good one: each parsed once, neither taken for the other.
        assertThat(parses).hasValue(4);
    }

    @Test
    void anIdenticalPoisonCopyIsSetAsideOnEveryQueueForTheSameReason() {
        ChangeFiled change = Changes.addressChange("NTA");
        byte[] body = json.writeValueAsBytes(change);
        AtomicInteger parses = new AtomicInteger();
        ChangeReader.Batch batch = counting(parses).batch();

        // Addressed to NTA only: on TPC's queue it is poison, on NTA's it is not, parsed once for both.
        assertThatThrownBy(() -> batch.read(copy(change, body), "TPC"))
                .isInstanceOf(PoisonMessage.class)
                .hasMessage("no addressee entry for agency TPC");
        assertThat(batch.read(copy(change, body), "NTA").change().receipt()).isEqualTo(change.receipt());
        assertThat(parses).hasValue(1);
    }

    @Test
    void copiesInAnotherEncodingOrWithoutAMessageIdAreParsedOnTheirOwn() {
        ChangeFiled change = Changes.addressChange(FIVE);
        byte[] body = json.writeValueAsBytes(change);
        AtomicInteger parses = new AtomicInteger();
        ChangeReader.Batch batch = counting(parses).batch();
        Message latin1 = copy(change, body);
        latin1.getMessageProperties().setContentEncoding(StandardCharsets.ISO_8859_1.name());

        batch.read(copy(change, body), "NTA");
        batch.read(latin1, "TPC");
        batch.read(message(new String(body, StandardCharsets.UTF_8)), "NHIA");
        batch.read(message(new String(body, StandardCharsets.UTF_8)), "MOI");

        assertThat(parses).hasValue(4);
    }

    private ChangeReader counting(AtomicInteger parses) {
        ChangeReader.Parser parser = ChangeReader.parser(json);
        return new ChangeReader((body, charset) -> {
            parses.incrementAndGet();
            return parser.parse(body, charset);
        });
    }

    /** One agency queue's copy of a change as the gateway publishes it: message id = change id, UTF-8 JSON. */
    private static Message copy(ChangeFiled change, byte[] body) {
        MessageProperties properties = new MessageProperties();
        properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        properties.setContentEncoding(StandardCharsets.UTF_8.name());
        properties.setMessageId(change.changeId().toString());
        return new Message(body, properties);
    }

    private static Message message(String body) {
        MessageProperties properties = new MessageProperties();
        properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        return new Message(body.getBytes(StandardCharsets.UTF_8), properties);
    }
}
