package tw.tongbao.adapters.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.core.change.ChangeType;
import tw.tongbao.core.envelope.ChangeFiled;
import tw.tongbao.core.envelope.ChangeFiledBatch;
import tw.tongbao.core.fixtures.Changes;

class ChangeReaderTests {

    private static final String[] FIVE = {"NTA", "TPC", "NHIA", "CEDAR", "MOI"};

    private final JsonMapper json = JsonMapper.builder().build();
    private final ChangeReader reader = new ChangeReader(json);

    @Test
    void readsTheChangeAndTheAgencysEntry() {
        ChangeFiled change = Changes.addressChange("NTA", "TPC");
        byte[] body = json.writeValueAsBytes(change);

        InboxWriter.Received read = one(reader.take(message(body), "TPC"));

        assertThat(read.change().receipt()).isEqualTo(change.receipt());
        assertThat(read.addressee()).isEqualTo(change.addresseeFor("TPC").orElseThrow());
        assertThat(read.message()).isSameAs(body);
    }

    @Test
    void unparseableJsonIsPoison() {
        assertThat(setAside(reader.take(message("{not json"), "NTA"))).contains("unparseable");
    }

    @Test
    void unknownChangeTypeIsPoison() {
        String text = json.writeValueAsString(Changes.addressChange("NTA")).replace("ADDRESS_CHANGE", "PET_CHANGE");

        assertThat(setAside(reader.take(message(text), "NTA"))).contains("unknown change type");
    }

    @Test
    void changeNotAddressedToTheAgencyIsPoison() {
        String text = json.writeValueAsString(Changes.addressChange("NTA"));

        assertThat(setAside(reader.take(message(text), "TPC"))).isEqualTo("no addressee entry for agency TPC");
    }

    @Test
    void poisonReasonNeverQuotesTheNationalId() {
        String text = "{\"receipt\":\"TB-1\",\"subjectId\":\"A123456789\",\"type\":\"ADDRESS_CHANGE\"}";

        assertThat(setAside(reader.take(message(text), "NTA"))).doesNotContain("A123456789");
    }

    @Test
    void aMessageThatIsNotJsonIsPoison() {
        MessageProperties properties = new MessageProperties();
        properties.setContentType(MessageProperties.CONTENT_TYPE_TEXT_PLAIN);
        Message text = new Message(json.writeValueAsBytes(Changes.addressChange("NTA")), properties);

        assertThat(setAside(reader.take(text, "NTA"))).isEqualTo("not a JSON message (content type text/plain)");
    }

    @Test
    void aBodyWithoutContentTypeIsReadAsJson() {
        // Spring AMQP's default content type; the converter this reader replaced read such bodies as JSON too.
        Message untyped = new Message(json.writeValueAsBytes(Changes.addressChange("NTA")), new MessageProperties());

        assertThat(one(reader.take(untyped, "NTA")).change().type()).isEqualTo(ChangeType.ADDRESS_CHANGE);
    }

    @Test
    void readsABodyInTheCharsetTheMessageNames() {
        ChangeFiled change = Changes.filed(ChangeType.ADDRESS_CHANGE, "A123456789", 3, Map.of("note", "café"), "NTA");
        String text = json.writeValueAsString(change).replace(change.subjectName(), "Zoé");
        MessageProperties properties = new MessageProperties();
        properties.setContentType("application/json; charset=ISO-8859-1");
        Message latin1 = new Message(text.getBytes(StandardCharsets.ISO_8859_1), properties);

        ChangeFiled read = one(reader.take(latin1, "NTA")).change();

        assertThat(read.subjectName()).isEqualTo("Zoé");
        assertThat(read.data()).containsEntry("note", "café");
    }

    @Test
    void emptyOrNullBodiesArePoison() {
        assertThat(setAside(reader.take(message(""), "NTA"))).contains("unparseable");
        assertThat(setAside(reader.take(message("null"), "NTA"))).contains("unparseable");
    }

    @Test
    void aChangeOnFiveAgencyQueuesInOneBatchIsParsedOnce() {
        AtomicInteger parses = new AtomicInteger();
        ChangeReader.Batch batch = counting(parses).batch();
        ChangeFiled change = Changes.addressChange(FIVE);
        byte[] body = json.writeValueAsBytes(change);

        for (String agency : FIVE) {
            InboxWriter.Received read = one(batch.take(copy(change, body), agency));
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

        assertThat(setAside(batch.take(copy(change, damaged), "NTA"))).contains("unparseable");
        assertThat(one(batch.take(copy(change, good), "TPC")).change().receipt())
                .isEqualTo(change.receipt());
        assertThat(one(batch.take(copy(change, good), "NHIA")).change().receipt())
                .isEqualTo(change.receipt());
        assertThat(setAside(batch.take(copy(change, damaged), "CEDAR"))).contains("unparseable");
        assertThat(one(batch.take(copy(change, good), "MOI")).change().receipt())
                .isEqualTo(change.receipt());

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
        assertThat(setAside(batch.take(copy(change, body), "TPC"))).isEqualTo("no addressee entry for agency TPC");
        assertThat(one(batch.take(copy(change, body), "NTA")).change().receipt())
                .isEqualTo(change.receipt());
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

        batch.take(copy(change, body), "NTA");
        batch.take(latin1, "TPC");
        batch.take(message(body), "NHIA");
        batch.take(message(body), "MOI");

        assertThat(parses).hasValue(4);
    }

    @Test
    void aBatchGivesTheAgencyItsChangesInOrderEachWithItsOwnBytes() {
        ChangeFiled first = Changes.addressChange("NTA", "TPC");
        ChangeFiled elsewhere = Changes.nameChange("MOI");
        ChangeFiled second = Changes.contactChange("TPC", "NTA");
        List<byte[]> bytes = bytes(first, elsewhere, second);

        ChangeReader.Taken taken = reader.take(batch(bytes), "NTA");

        // MOI's change is not NTA's and not poison either: the batch went to every agency any change is addressed to.
        assertThat(taken.setAside()).isEmpty();
        assertThat(taken.received())
                .extracting(received -> received.change().changeId())
                .containsExactly(first.changeId(), second.changeId());
        assertThat(taken.received())
                .extracting(received -> new String(received.message(), StandardCharsets.UTF_8))
                .containsExactly(
                        new String(bytes.get(0), StandardCharsets.UTF_8),
                        new String(bytes.get(2), StandardCharsets.UTF_8));
        assertThat(taken.received().get(1).addressee())
                .isEqualTo(second.addresseeFor("NTA").orElseThrow());
    }

    @Test
    void aBadChangeInABatchIsSetAsideAloneNamingItsPosition() {
        ChangeFiled good = Changes.addressChange("NTA");
        byte[] unknownType = json.writeValueAsString(Changes.nameChange("NTA"))
                .replace("NAME_CHANGE", "PET_CHANGE")
                .getBytes(StandardCharsets.UTF_8);
        ChangeFiled unreceipted = Changes.contactChange("NTA");
        byte[] noReceipt = json.writeValueAsString(unreceipted)
                .replace("\"receipt\":\"" + unreceipted.receipt() + "\",", "")
                .getBytes(StandardCharsets.UTF_8);
        ChangeFiled later = Changes.contactChange("NTA");

        ChangeReader.Taken taken = reader.take(
                batch(List.of(json.writeValueAsBytes(good), unknownType, noReceipt, json.writeValueAsBytes(later))),
                "NTA");

        assertThat(taken.received())
                .extracting(received -> received.change().changeId())
                .containsExactly(good.changeId(), later.changeId());
        assertThat(taken.setAside())
                .extracting(bad -> new String(bad.body(), StandardCharsets.UTF_8))
                .containsExactly(
                        new String(unknownType, StandardCharsets.UTF_8), new String(noReceipt, StandardCharsets.UTF_8));
        assertThat(taken.setAside())
                .extracting(ChangeReader.SetAside::reason)
                .satisfiesExactly(
                        reason -> assertThat(reason).startsWith("change 2 of 4 in a batch: unknown change type"),
                        reason -> assertThat(reason).isEqualTo("change 3 of 4 in a batch: receipt is missing"));
    }

    @Test
    void aBatchEntryTheAgencyCannotBeDeliveredByIsSetAsideAlone() {
        ChangeFiled good = Changes.addressChange("NTA");
        ChangeFiled blank = Changes.nameChange("NTA");
        String noRef = json.writeValueAsString(blank)
                .replace(blank.addresseeFor("NTA").orElseThrow().subjectRef(), " ");

        ChangeReader.Taken taken = reader.take(
                batch(List.of(json.writeValueAsBytes(good), noRef.getBytes(StandardCharsets.UTF_8))), "NTA");

        assertThat(taken.received()).hasSize(1);
        assertThat(taken.setAside())
                .singleElement()
                .satisfies(bad -> assertThat(bad.reason())
                        .isEqualTo("change 2 of 2 in a batch: the addressee entry for NTA has no subjectRef"));
    }

    @Test
    void aBodyThatCannotBeSplitIsSetAsideWhole() {
        byte[] body = "{\"changes\":[{\"receipt\":\"TB-1\"}".getBytes(StandardCharsets.UTF_8);

        ChangeReader.Taken taken = reader.take(batch(body), "NTA");

        assertThat(taken.received()).isEmpty();
        assertThat(taken.setAside()).singleElement().satisfies(bad -> {
            assertThat(bad.body()).isSameAs(body);
            assertThat(bad.reason()).startsWith("unreadable batch of filed changes: ");
        });
    }

    @Test
    void aBatchWithNoChangeForTheAgencyIsSetAsideWholeAsMisrouted() {
        byte[] body = ChangeFiledBatch.join(bytes(Changes.addressChange("MOI"), Changes.nameChange("TPC")));

        assertThat(setAside(reader.take(batch(body), "NTA")))
                .isEqualTo("no change in the batch is addressed to agency NTA");
    }

    @Test
    void aBatchInAnotherCharsetIsSplitAsUtf8() {
        ChangeFiled change = Changes.filed(ChangeType.ADDRESS_CHANGE, "A123456789", 3, Map.of("note", "café"), "NTA");
        ChangeFiled other = Changes.filed(ChangeType.NAME_CHANGE, "A123456789", 4, Map.of("name", "Zoé"), "NTA");
        List<String> texts = List.of(latin1(change), latin1(other));
        byte[] body =
                ("{\"changes\":[" + texts.get(0) + "," + texts.get(1) + "]}").getBytes(StandardCharsets.ISO_8859_1);
        Message message = batch(body);
        message.getMessageProperties().setContentEncoding(StandardCharsets.ISO_8859_1.name());

        ChangeReader.Taken taken = reader.take(message, "NTA");

        assertThat(taken.setAside()).isEmpty();
        // Each change's bytes as the message row stores them: UTF-8, whatever the body came in.
        assertThat(taken.received())
                .extracting(received -> new String(received.message(), StandardCharsets.UTF_8))
                .containsExactlyElementsOf(texts);
        assertThat(taken.received().get(0).change().data()).containsEntry("note", "café");
        assertThat(taken.received().get(1).change().subjectName()).isEqualTo("Zoé");
    }

    @Test
    void aBatchOnFiveAgencyQueuesIsReadOnceForAllOfThem() {
        List<ChangeFiled> changes =
                List.of(Changes.addressChange(FIVE), Changes.nameChange("NTA", "TPC"), Changes.contactChange(FIVE));
        byte[] body = ChangeFiledBatch.join(bytes(changes.toArray(ChangeFiled[]::new)));
        AtomicInteger parses = new AtomicInteger();
        ChangeReader.Batch batch = counting(parses).batch();

        for (String agency : FIVE) {
            Message copy = batch(body);
            copy.getMessageProperties().setMessageId("batch-1");
            List<ChangeFiled> expected = changes.stream()
                    .filter(change -> change.addresseeFor(agency).isPresent())
                    .toList();
            assertThat(batch.take(copy, agency).received())
                    .extracting(InboxWriter.Received::change)
                    .containsExactlyElementsOf(expected);
        }

        assertThat(parses).hasValue(3);
    }

    @Test
    void aLoneChangeAndABatchWithTheSameIdAndBytesAreReadApart() {
        ChangeFiled change = Changes.addressChange("NTA");
        byte[] body = ChangeFiledBatch.join(bytes(change));
        AtomicInteger parses = new AtomicInteger();
        ChangeReader.Batch batch = counting(parses).batch();
        Message asBatch = batch(body);
        asBatch.getMessageProperties().setMessageId("same");
        Message asLone = message(body);
        asLone.getMessageProperties().setMessageId("same");

        assertThat(batch.take(asBatch, "NTA").received()).hasSize(1);
        assertThat(setAside(batch.take(asLone, "NTA"))).contains("unparseable");
        assertThat(parses).hasValue(2);
    }

    private ChangeReader counting(AtomicInteger parses) {
        ChangeReader.Parser parser = ChangeReader.parser(json);
        return new ChangeReader(json, (body, charset) -> {
            parses.incrementAndGet();
            return parser.parse(body, charset);
        });
    }

    private List<byte[]> bytes(ChangeFiled... changes) {
        return Arrays.stream(changes).map(json::writeValueAsBytes).toList();
    }

    /** The change as JSON with its subject's name in Latin letters, so that ISO-8859-1 can carry it. */
    private String latin1(ChangeFiled change) {
        return json.writeValueAsString(change).replace(change.subjectName(), "Zoé");
    }

    private static InboxWriter.Received one(ChangeReader.Taken taken) {
        assertThat(taken.setAside()).isEmpty();
        assertThat(taken.received()).hasSize(1);
        return taken.received().get(0);
    }

    /** The one reason the message was set aside for, whole. */
    private static String setAside(ChangeReader.Taken taken) {
        assertThat(taken.received()).isEmpty();
        assertThat(taken.setAside()).hasSize(1);
        return taken.setAside().get(0).reason();
    }

    /** One agency queue's copy of a change as the gateway publishes it: message id = change id, UTF-8 JSON. */
    private static Message copy(ChangeFiled change, byte[] body) {
        MessageProperties properties = new MessageProperties();
        properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        properties.setContentEncoding(StandardCharsets.UTF_8.name());
        properties.setMessageId(change.changeId().toString());
        return new Message(body, properties);
    }

    private static Message batch(List<byte[]> changes) {
        return batch(ChangeFiledBatch.join(changes));
    }

    private static Message batch(byte[] body) {
        Message message = message(body);
        message.getMessageProperties().setHeader("__TypeId__", ChangeFiledBatch.TYPE_ID);
        return message;
    }

    private static Message message(String body) {
        return message(body.getBytes(StandardCharsets.UTF_8));
    }

    private static Message message(byte[] body) {
        MessageProperties properties = new MessageProperties();
        properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        return new Message(body, properties);
    }
}
