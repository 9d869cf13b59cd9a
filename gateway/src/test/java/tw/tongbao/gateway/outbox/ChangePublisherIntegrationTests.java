package tw.tongbao.gateway.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.ExchangeBuilder;
import org.springframework.amqp.core.HeadersExchange;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.core.envelope.ChangeFiled;
import tw.tongbao.core.envelope.ChangeFiledBatch;
import tw.tongbao.core.messaging.Topology;
import tw.tongbao.core.testing.TestVhost;
import tw.tongbao.gateway.QueuedChanges;

/**
 * How the relay's publisher packs changes into messages, read back from real agency queues: consecutive changes share
 * a message addressed to the union of their agencies, within the count and byte limits, and every change's outcome is
 * its message's.
 */
class ChangePublisherIntegrationTests {

    private static final List<String> AGENCIES = List.of("NTA", "NHIA", "TPC", "TWC", "POST");

    /** An agency whose queue refuses every message, so the broker nacks whatever is addressed to it. */
    private static final String FULL = "FULL";

    private static TestVhost vhost;
    private static CachingConnectionFactory connection;
    private static RabbitTemplate rabbit;

    private final JsonMapper json = JsonMapper.builder().build();

    @BeforeAll
    static void declareTopology() throws Exception {
        vhost = TestVhost.create("gwpub");
        connection = new CachingConnectionFactory(vhost.host(), vhost.port());
        connection.setVirtualHost(vhost.name());
        connection.setUsername(vhost.username());
        connection.setPassword(vhost.password());
        connection.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
        connection.setPublisherReturns(true);
        rabbit = new RabbitTemplate(connection);
        rabbit.setMandatory(true);
        RabbitAdmin admin = new RabbitAdmin(connection);
        // As ChangeTopology declares them.
        HeadersExchange changes = ExchangeBuilder.headersExchange(Topology.CHANGES_EXCHANGE)
                .durable(true)
                .build();
        admin.declareExchange(changes);
        for (String agency : AGENCIES) {
            bind(admin, changes, agency, QueueBuilder.durable(Topology.agencyQueue(agency)));
        }
        bind(
                admin,
                changes,
                FULL,
                QueueBuilder.durable(Topology.agencyQueue(FULL))
                        .maxLength(0)
                        .overflow(QueueBuilder.Overflow.rejectPublish));
        // A quorum queue takes the message that first passes its limit and refuses those after it.
        CorrelationData filled = new CorrelationData();
        rabbit.send("", Topology.agencyQueue(FULL), new Message(new byte[0]), filled);
        assertThat(filled.getFuture().get(10, TimeUnit.SECONDS).ack()).isTrue();
    }

    private static void bind(RabbitAdmin admin, HeadersExchange changes, String agency, QueueBuilder queue) {
        Queue declared = queue.quorum().build();
        admin.declareQueue(declared);
        admin.declareBinding(BindingBuilder.bind(declared)
                .to(changes)
                .whereAll(Map.of(Topology.addressedHeader(agency), Topology.ADDRESSED))
                .match());
    }

    @AfterAll
    static void release() {
        connection.destroy();
        vhost.close();
    }

    @AfterEach
    void emptyTheQueues() {
        AGENCIES.forEach(agency -> takeAll(agency));
    }

    @Test
    void sendsConsecutiveChangesTogetherAndEachQueueGetsItsOwnInFilingOrder() {
        List<ChangeFiled> changes = List.of(
                FiledChanges.addressedTo("NTA", "NHIA"),
                FiledChanges.addressedTo("TPC"),
                FiledChanges.addressedTo("NTA", "TWC"),
                FiledChanges.addressedTo("NHIA", "POST", "NTA"),
                FiledChanges.addressedTo("TWC"),
                FiledChanges.addressedTo("NTA"),
                FiledChanges.addressedTo("NHIA", "TPC"),
                FiledChanges.addressedTo("NTA", "NHIA"),
                FiledChanges.addressedTo("POST"));
        List<byte[]> payloads = changes.stream().map(json::writeValueAsBytes).toList();

        List<ChangePublisher.Outcome> outcomes = publisher(4, 128 * 1024).publishAll(pending(changes, payloads));

        assertThat(outcomes).hasSize(9).allMatch(ChangePublisher.Outcome::confirmed);
        List<Message> sent = new ArrayList<>();
        int deliveries = 0;
        for (String agency : AGENCIES) {
            List<Message> messages = takeAll(agency);
            List<byte[]> addressed = addressedTo(agency, payloads);
            deliveries += addressed.size();
            assertThat(messages.stream()
                            .flatMap(message -> QueuedChanges.addressedTo(json, agency, message).stream())
                            .toList())
                    .as(agency)
                    .containsExactlyElementsOf(addressed);
            for (Message message : messages) {
                assertThat(QueuedChanges.addressedHeaders(message))
                        .as(agency)
                        .isEqualTo(unionOf(QueuedChanges.all(json, message)));
            }
            sent.addAll(messages);
        }
        // Messages of 4, 4 and 1 change, each written once to each queue it addresses: 10 writes, not 15.
        assertThat(deliveries).isEqualTo(15);
        assertThat(sent).hasSize(10);
        assertThat(sent.stream()
                        .map(message -> message.getMessageProperties().getMessageId())
                        .distinct())
                .hasSize(3);
        // The first holds changes 0 to 3 as stored; the last, alone, is a lone change as before batches.
        Message nta = sent.get(0);
        assertThat(QueuedChanges.isBatch(nta)).isTrue();
        assertThat(ChangeFiledBatch.split(json, nta.getBody())).containsExactlyElementsOf(payloads.subList(0, 4));
        assertBatchProperties(nta.getMessageProperties());
        Message lonePost = takeLast(sent, "POST");
        assertThat(lonePost.getBody()).isEqualTo(payloads.get(8));
        assertLoneProperties(lonePost.getMessageProperties(), changes.get(8));
    }

    @Test
    void sendsEveryChangeAloneWithOneChangePerMessage() {
        List<ChangeFiled> changes = List.of(
                FiledChanges.addressedTo("NTA", "TPC"),
                FiledChanges.addressedTo("NTA"),
                FiledChanges.addressedTo("NHIA", "NTA"));
        List<byte[]> payloads = changes.stream().map(json::writeValueAsBytes).toList();

        List<ChangePublisher.Outcome> outcomes = publisher(1, 128 * 1024).publishAll(pending(changes, payloads));

        assertThat(outcomes).hasSize(3).allMatch(ChangePublisher.Outcome::confirmed);
        List<Message> nta = takeAll("NTA");
        assertThat(nta).extracting(Message::getBody).containsExactlyElementsOf(payloads);
        for (int i = 0; i < nta.size(); i++) {
            assertLoneProperties(nta.get(i).getMessageProperties(), changes.get(i));
            assertThat(QueuedChanges.addressedHeaders(nta.get(i))).isEqualTo(unionOf(List.of(payloads.get(i))));
        }
        assertThat(takeAll("TPC")).extracting(Message::getBody).containsExactly(payloads.get(0));
        assertThat(takeAll("NHIA")).extracting(Message::getBody).containsExactly(payloads.get(2));
    }

    @Test
    void startsANewMessageAtTheByteLimitAndSendsALargerChangeAlone() {
        List<ChangeFiled> changes = List.of(
                FiledChanges.addressedTo("NTA"),
                FiledChanges.addressedTo("NTA", "TPC"),
                FiledChanges.addressedTo("NTA"),
                FiledChanges.addressedTo("NTA", "NHIA"),
                FiledChanges.padded(2_000, "NTA", "TWC"),
                FiledChanges.addressedTo("NTA"),
                FiledChanges.addressedTo("NTA"));
        List<byte[]> payloads = changes.stream().map(json::writeValueAsBytes).toList();
        // Exactly the first three changes' batch: the fourth would pass the limit; the padded one passes it alone.
        int limit = ChangeFiledBatch.join(payloads.subList(0, 3)).length;
        assertThat(payloads.get(4).length).isGreaterThan(limit);

        List<ChangePublisher.Outcome> outcomes = publisher(100, limit).publishAll(pending(changes, payloads));

        assertThat(outcomes).hasSize(7).allMatch(ChangePublisher.Outcome::confirmed);
        List<Message> nta = takeAll("NTA");
        assertThat(nta)
                .extracting(message -> QueuedChanges.all(json, message).size())
                .containsExactly(3, 1, 1, 2);
        assertThat(nta).extracting(QueuedChanges::isBatch).containsExactly(true, false, false, true);
        assertThat(nta.get(0).getBody()).hasSize(limit);
        assertThat(nta.get(2).getBody()).isEqualTo(payloads.get(4));
        assertThat(nta.stream()
                        .flatMap(message -> QueuedChanges.all(json, message).stream())
                        .toList())
                .containsExactlyElementsOf(payloads);
        assertThat(takeAll("TWC")).extracting(Message::getBody).containsExactly(payloads.get(4));
    }

    @Test
    void failsEveryChangeOfAMessageTheBrokerRefused() {
        List<ChangeFiled> changes = List.of(
                FiledChanges.addressedTo("NTA"),
                FiledChanges.addressedTo("NTA", FULL),
                FiledChanges.addressedTo("NTA"),
                FiledChanges.addressedTo("NTA"));
        List<byte[]> payloads = changes.stream().map(json::writeValueAsBytes).toList();

        List<ChangePublisher.Outcome> outcomes = publisher(2, 128 * 1024).publishAll(pending(changes, payloads));

        assertThat(outcomes).extracting(ChangePublisher.Outcome::confirmed).containsExactly(false, false, true, true);
        assertThat(outcomes.get(0).failure()).contains("refused");
    }

    @Test
    void failsEveryChangeOfAMessageTheBrokerReturned() {
        List<ChangeFiled> changes = List.of(
                FiledChanges.addressedTo("GHOST"),
                FiledChanges.addressedTo("GHOST", "NOBODY"),
                FiledChanges.addressedTo("NTA"));
        List<byte[]> payloads = changes.stream().map(json::writeValueAsBytes).toList();

        List<ChangePublisher.Outcome> outcomes = publisher(2, 128 * 1024).publishAll(pending(changes, payloads));

        assertThat(outcomes).extracting(ChangePublisher.Outcome::confirmed).containsExactly(false, false, true);
        assertThat(outcomes.subList(0, 2))
                .allSatisfy(outcome -> assertThat(outcome.failure()).contains("could not route"));
    }

    private ChangePublisher publisher(int changesPerMessage, int messageBytes) {
        return new ChangePublisher(
                rabbit,
                json,
                new OutboxProperties(null, 0, Duration.ofSeconds(10), changesPerMessage, messageBytes, null));
    }

    private static List<ChangePublisher.Pending> pending(List<ChangeFiled> changes, List<byte[]> payloads) {
        List<ChangePublisher.Pending> pending = new ArrayList<>();
        for (int i = 0; i < changes.size(); i++) {
            pending.add(new ChangePublisher.Pending(changes.get(i).changeId(), payloads.get(i)));
        }
        return pending;
    }

    private List<byte[]> addressedTo(String agency, List<byte[]> payloads) {
        return payloads.stream()
                .filter(payload -> QueuedChanges.agenciesOf(json, payload).contains(agency))
                .toList();
    }

    private Set<String> unionOf(List<byte[]> changes) {
        Set<String> agencies = new LinkedHashSet<>();
        changes.forEach(change -> agencies.addAll(QueuedChanges.agenciesOf(json, change)));
        return agencies;
    }

    private static Message takeLast(List<Message> messages, String agency) {
        return messages.stream()
                .filter(message -> QueuedChanges.addressedHeaders(message).equals(Set.of(agency)))
                .reduce((first, second) -> second)
                .orElseThrow();
    }

    /** Every message waiting on the agency's queue, oldest first (confirmed messages are already there). */
    private static List<Message> takeAll(String agency) {
        List<Message> messages = new ArrayList<>();
        Message message;
        while ((message = rabbit.receive(Topology.agencyQueue(agency))) != null) {
            messages.add(message);
        }
        return messages;
    }

    private static void assertLoneProperties(MessageProperties properties, ChangeFiled change) {
        assertThat(properties.getMessageId()).isEqualTo(change.changeId().toString());
        assertThat(properties.<String>getHeader("__TypeId__")).isEqualTo(ChangeFiled.class.getName());
        assertJsonPersistent(properties);
    }

    private static void assertBatchProperties(MessageProperties properties) {
        assertThat(properties.getMessageId()).isNotBlank();
        assertThat(properties.<String>getHeader("__TypeId__")).isEqualTo(ChangeFiledBatch.TYPE_ID);
        assertJsonPersistent(properties);
    }

    private static void assertJsonPersistent(MessageProperties properties) {
        assertThat(properties.getContentType()).isEqualTo(MessageProperties.CONTENT_TYPE_JSON);
        assertThat(properties.getContentEncoding()).isEqualTo("UTF-8");
        assertThat(properties.getReceivedDeliveryMode()).isEqualTo(MessageDeliveryMode.PERSISTENT);
    }
}
