package tw.tongbao.adapters;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.context.Lifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.adapters.transport.CountingJson;
import tw.tongbao.core.change.ChangeType;
import tw.tongbao.core.envelope.Addressee;
import tw.tongbao.core.envelope.ChangeFiled;
import tw.tongbao.core.envelope.ChangeFiledBatch;
import tw.tongbao.core.messaging.Topology;

/**
 * The inbox reading batches of filed changes ({@link ChangeFiledBatch}) as the gateway publishes them: one message to
 * every agency any of its changes is addressed to. Each agency gets exactly its own changes, each stored as its own
 * bytes; a bad change is set aside alone, whether the reader or the database refuses it; nothing is delivered twice;
 * lone changes are still read; and a batch is read once however many agency queues its copies came on.
 */
@ExtendWith(AdapterTestEnvironment.class)
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {
            "TONGBAO_REGISTRY=classpath:adapters-inbox-it-registry.yml",
            "tongbao.adapters.poll-interval=250ms",
            "tongbao.adapters.relay-poll-interval=250ms",
            "tongbao.adapters.inbox-batch-size=64",
            "tongbao.adapters.inbox-batch-wait=1s"
        })
@DirtiesContext
class InboxChangeBatchesIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(15);

    private static final String[] AGENCIES = {"ARCH", "BIRCH", "CEDAR", "DUNE", "ELM"};

    /** Changes parsed on behalf of the inbox (the dispatchers parse the stored messages again, elsewhere). */
    private static final AtomicInteger INBOX_PARSES = new AtomicInteger();

    @DynamicPropertySource
    static void environment(DynamicPropertyRegistry registry) {
        AdapterTestEnvironment.register(registry);
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class CountingInboxParses {

        @Bean
        JsonMapperBuilderCustomizer countInboxParses() {
            return builder -> builder.addModule(CountingJson.counting(() -> {
                if (StackWalker.getInstance()
                        .walk(frames -> frames.anyMatch(
                                frame -> frame.getClassName().startsWith("tw.tongbao.adapters.inbox.")))) {
                    INBOX_PARSES.incrementAndGet();
                }
            }));
        }
    }

    @Autowired
    RabbitTemplate rabbit;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    JsonMapper json;

    @Autowired
    ApplicationContext context;

    @BeforeAll
    static void agencies() {
        for (String code : AGENCIES) {
            AdapterTestEnvironment.AGENCIES.stubFor(
                    post(urlEqualTo("/agencies/" + code)).willReturn(aResponse().withStatus(202)));
        }
    }

    @AfterEach
    void restartInbox() {
        inbox().start();
    }

    @Test
    void eachAgencyReceivesExactlyItsChangesOfABatchAndEachMessageRowHoldsItsChangesOwnBytes() {
        List<ChangeFiled> changes = List.of(
                Filed.addressChange("spread-a", 1, "ARCH", "BIRCH"),
                Filed.change(ChangeType.NAME_CHANGE, "spread-b", 1, "BIRCH", "CEDAR"),
                Filed.change(ChangeType.CONTACT_CHANGE, "spread-c", 1, "ARCH", "CEDAR", "DUNE"));

        publish(batch(bytes(changes), addressed(changes)));

        awaitDelivered(changes);
        for (String agency : AGENCIES) {
            List<ChangeFiled> its = changes.stream()
                    .filter(change -> change.addresseeFor(agency).isPresent())
                    .toList();
            assertThat(requests(agency, deliveryIds(changes)))
                    .extracting(request -> request.getHeader("webhook-id"))
                    .containsExactlyInAnyOrderElementsOf(its.stream()
                            .map(change -> Filed.deliveryId(change, agency).toString())
                            .toList());
            for (ChangeFiled change : its) {
                JsonNode event = json.readTree(requests(agency, List.of(Filed.deliveryId(change, agency)))
                        .get(0)
                        .getBodyAsString());
                assertThat(event.get("data").get("subjectRef").asString())
                        .isEqualTo(change.addresseeFor(agency).orElseThrow().subjectRef());
            }
        }
        for (ChangeFiled change : changes) {
            assertThat(storedMessage(change)).isEqualTo(json.writeValueAsString(change));
        }
    }

    @Test
    void twoChangesOfOneSubjectInOneBatchReachTheAgencyInSequenceOrder() {
        ChangeFiled first = Filed.change(ChangeType.ADDRESS_CHANGE, "one-subject", 1, "DUNE");
        ChangeFiled second = Filed.change(ChangeType.NAME_CHANGE, "one-subject", 2, "DUNE");
        UUID firstId = Filed.deliveryId(first, "DUNE");
        // The first change's first try fails: the second still waits behind it.
        AdapterTestEnvironment.AGENCIES.stubFor(post(urlEqualTo("/agencies/DUNE"))
                .atPriority(1)
                .withHeader("webhook-id", equalTo(firstId.toString()))
                .inScenario("batch-order")
                .whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(503))
                .willSetStateTo("failed once"));

        publish(batch(bytes(List.of(first, second)), "DUNE"));

        awaitDelivered(List.of(first, second));
        assertThat(requests("DUNE", deliveryIds(List.of(first, second))))
                .extracting(request -> json.readTree(request.getBodyAsString())
                        .get("data")
                        .get("sequence")
                        .asLong())
                .containsExactly(1L, 1L, 2L);
    }

    @Test
    void aChangeThatCannotBeReadIsSetAsideAloneAndTheRestOfItsBatchDelivered() {
        ChangeFiled before = Filed.addressChange("around-unreadable-1", 1, "ARCH", "BIRCH");
        byte[] unreadable = json.writeValueAsString(Filed.change(ChangeType.NAME_CHANGE, "unreadable", 1, "ARCH"))
                .replace("NAME_CHANGE", "PET_CHANGE")
                .getBytes(StandardCharsets.UTF_8);
        ChangeFiled after = Filed.addressChange("around-unreadable-2", 1, "ARCH");

        publish(batch(List.of(bytes(before), unreadable, bytes(after)), "ARCH", "BIRCH"));

        awaitDelivered(List.of(before, after));
        // Whom it is addressed to cannot be read either: every queue the batch came on sets it aside.
        await().atMost(WAIT).until(() -> poison(unreadable).size() == 2);
        assertThat(poison(unreadable))
                .containsExactlyInAnyOrder(Topology.agencyQueue("ARCH"), Topology.agencyQueue("BIRCH"));
        assertThat(poisonReasons(unreadable))
                .allSatisfy(reason -> assertThat(reason).startsWith("change 2 of 3 in a batch: unknown change type"));
        assertThat(poisonHolding(before.receipt(), after.receipt())).isZero();
        assertThat(requests("ARCH", deliveryIds(List.of(before, after)))).hasSize(2);
        assertThat(requests("BIRCH", deliveryIds(List.of(before)))).hasSize(1);
    }

    @Test
    void aChangeTheDatabaseRefusesIsSetAsideAloneAndTheRestOfItsBatchDelivered() {
        ChangeFiled before = Filed.addressChange("around-refused-1", 1, "CEDAR");
        ChangeFiled refused = Filed.addressChange("refused", 1, "CEDAR");
        byte[] refusedBytes = withNulCharacter(bytes(refused));
        ChangeFiled after = Filed.addressChange("around-refused-2", 1, "CEDAR");

        publish(batch(List.of(bytes(before), refusedBytes, bytes(after)), "CEDAR"));

        awaitDelivered(List.of(before, after));
        await().atMost(WAIT).until(() -> poison(refusedBytes).size() == 1);
        assertThat(poison(refusedBytes)).containsExactly(Topology.agencyQueue("CEDAR"));
        assertThat(poisonReasons(refusedBytes)).singleElement().asString().startsWith("could not be stored");
        assertThat(poisonHolding(before.receipt(), after.receipt())).isZero();
        assertThat(status(Filed.deliveryId(refused, "CEDAR"))).isNull();
        assertThat(requests("CEDAR", deliveryIds(List.of(before, after)))).hasSize(2);
    }

    @Test
    void aBatchPublishedAgainDeliversNothingTwice() {
        List<ChangeFiled> changes = List.of(
                Filed.addressChange("again-1", 1, "ARCH", "ELM"),
                Filed.change(ChangeType.NAME_CHANGE, "again-2", 1, "ELM"));
        Message batch = batch(bytes(changes), addressed(changes));

        // Twice at once (likely in one inbox batch), then again once delivered (as a requeued or republished one).
        publish(batch);
        publish(batch);
        awaitDelivered(changes);
        publish(batch);
        ChangeFiled later = Filed.addressChange("again-later", 1, "ARCH", "ELM");
        publish(batch(bytes(List.of(later)), "ARCH", "ELM"));

        // The later batch sits behind the copies on both queues: once it is delivered, they were all read.
        awaitDelivered(List.of(later));
        assertThat(requests("ARCH", deliveryIds(changes))).hasSize(1);
        assertThat(requests("ELM", deliveryIds(changes))).hasSize(2);
        assertThat(jdbc.sql("SELECT count(*) FROM adapter_delivery WHERE delivery_id = ANY(:ids)")
                        .param("ids", deliveryIds(changes).toArray(UUID[]::new))
                        .query(Long.class)
                        .single())
                .isEqualTo(3);
        assertThat(poisonHolding(changes.get(0).receipt(), changes.get(1).receipt()))
                .isZero();
    }

    @Test
    void loneChangesAreStillReadBesideBatchesInOneInboxBatch() {
        ChangeFiled lone = Filed.addressChange("lone", 1, "BIRCH", "DUNE");
        ChangeFiled batched = Filed.addressChange("batched", 1, "BIRCH");
        byte[] loneBody = bytes(lone);

        inbox().stop();
        publish(lone(lone, loneBody));
        publish(batch(bytes(List.of(batched)), "BIRCH"));
        inbox().start();

        awaitDelivered(List.of(lone, batched));
        assertThat(storedMessage(lone)).isEqualTo(new String(loneBody, StandardCharsets.UTF_8));
        assertThat(requests("BIRCH", deliveryIds(List.of(lone, batched)))).hasSize(2);
        assertThat(requests("DUNE", deliveryIds(List.of(lone)))).hasSize(1);
    }

    @Test
    void aBatchOnFiveAgencyQueuesInOneInboxBatchIsReadOnce() {
        List<ChangeFiled> changes = List.of(
                Filed.addressChange("read-once-1", 1, AGENCIES),
                Filed.change(ChangeType.NAME_CHANGE, "read-once-2", 1, "ARCH", "ELM"),
                Filed.change(ChangeType.CONTACT_CHANGE, "read-once-3", 1, "BIRCH", "CEDAR", "DUNE"));

        inbox().stop();
        publish(batch(bytes(changes), addressed(changes)));
        INBOX_PARSES.set(0);
        inbox().start();

        await().atMost(WAIT).until(() -> stored(changes) == 10);
        assertThat(INBOX_PARSES).hasValue(changes.size());
    }

    @Test
    void manyDeliveriesInOneInboxBatchAreStoredInPartsOfBoundedSize() {
        // Two batch messages of 110 changes on five queues: one inbox batch of 1,100 deliveries, more than one
        // transaction's worth of head-of-line locks (500).
        List<ChangeFiled> first = new ArrayList<>();
        List<ChangeFiled> second = new ArrayList<>();
        for (int i = 0; i < 110; i++) {
            first.add(Filed.addressChange("parts-a-" + i, 1, AGENCIES));
            second.add(Filed.addressChange("parts-b-" + i, 1, AGENCIES));
        }
        List<ChangeFiled> all = new ArrayList<>(first);
        all.addAll(second);

        inbox().stop();
        publish(batch(bytes(first), AGENCIES));
        publish(batch(bytes(second), AGENCIES));
        try (InboxStatements statements = InboxStatements.install(jdbc)) {
            inbox().start();

            await().atMost(WAIT).until(() -> stored(all) == 1_100);
            assertThat(statements.messageInserts()).isOne();
            assertThat(statements.deliveryTransactions()).isEqualTo(3);
        }
        // Stored in parts, every one still goes out.
        await().atMost(WAIT)
                .until(() -> jdbc.sql("SELECT count(*) FROM adapter_delivery WHERE receipt = ANY(:receipts)"
                                        + " AND status = 'DELIVERED'")
                                .param(
                                        "receipts",
                                        all.stream().map(ChangeFiled::receipt).toArray(String[]::new))
                                .query(Long.class)
                                .single()
                        == 1_100);
    }

    /** A batch message as the gateway publishes it, to the given agencies' queues. */
    private static Message batch(List<byte[]> changes, String... agencies) {
        MessageProperties properties = properties(agencies);
        properties.setMessageId(UUID.randomUUID().toString());
        properties.setHeader("__TypeId__", ChangeFiledBatch.TYPE_ID);
        return new Message(ChangeFiledBatch.join(changes), properties);
    }

    /** A lone change as the gateway published it before batches. */
    private static Message lone(ChangeFiled change, byte[] body) {
        MessageProperties properties = properties(addressed(List.of(change)));
        properties.setMessageId(change.changeId().toString());
        properties.setHeader("__TypeId__", ChangeFiled.class.getName());
        return new Message(body, properties);
    }

    private static MessageProperties properties(String... agencies) {
        MessageProperties properties = new MessageProperties();
        properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        properties.setContentEncoding(StandardCharsets.UTF_8.name());
        properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
        for (String agency : agencies) {
            properties.setHeader(Topology.addressedHeader(agency), Topology.ADDRESSED);
        }
        return properties;
    }

    /** Every agency any of the changes is addressed to: the headers of a batch of them. */
    private static String[] addressed(List<ChangeFiled> changes) {
        Set<String> agencies = new LinkedHashSet<>();
        changes.forEach(change -> change.addressees().forEach(addressee -> agencies.add(addressee.agency())));
        return agencies.toArray(String[]::new);
    }

    private void publish(Message message) {
        rabbit.send(Topology.CHANGES_EXCHANGE, "", message);
    }

    private byte[] bytes(ChangeFiled change) {
        return json.writeValueAsBytes(change);
    }

    private List<byte[]> bytes(List<ChangeFiled> changes) {
        return changes.stream().map(this::bytes).toList();
    }

    /** The change's JSON with an overlong UTF-8 NUL (C0 80) in its filer's name: Jackson reads it, PostgreSQL not. */
    private static byte[] withNulCharacter(byte[] body) {
        byte[] name = "王小明".getBytes(StandardCharsets.UTF_8);
        for (int at = 0; at + name.length <= body.length; at++) {
            if (Arrays.equals(body, at, at + name.length, name, 0, name.length)) {
                byte[] refused = body.clone();
                refused[at + 3] = (byte) 0xC0;
                refused[at + 4] = (byte) 0x80;
                refused[at + 5] = 'x';
                return refused;
            }
        }
        throw new IllegalArgumentException("no filer's name in the change");
    }

    private void awaitDelivered(List<ChangeFiled> changes) {
        for (ChangeFiled change : changes) {
            for (Addressee addressee : change.addressees()) {
                await().atMost(WAIT).until(() -> "DELIVERED".equals(status(addressee.deliveryId())));
            }
        }
    }

    private static List<UUID> deliveryIds(List<ChangeFiled> changes) {
        List<UUID> ids = new ArrayList<>();
        changes.forEach(change -> change.addressees().forEach(addressee -> ids.add(addressee.deliveryId())));
        return ids;
    }

    /** What the agency was sent of these deliveries, in the order it was sent. */
    private static List<LoggedRequest> requests(String agency, Collection<UUID> deliveryIds) {
        Set<String> ids = new LinkedHashSet<>();
        deliveryIds.forEach(id -> ids.add(id.toString()));
        return AdapterTestEnvironment.AGENCIES.findAll(postRequestedFor(urlEqualTo("/agencies/" + agency))).stream()
                .filter(request -> ids.contains(request.getHeader("webhook-id")))
                .toList();
    }

    private String status(UUID deliveryId) {
        return jdbc.sql("SELECT status FROM adapter_delivery WHERE delivery_id = :id")
                .param("id", deliveryId)
                .query(String.class)
                .optional()
                .orElse(null);
    }

    private String storedMessage(ChangeFiled change) {
        return jdbc.sql("SELECT message FROM adapter_message WHERE change_id = :id")
                .param("id", change.changeId())
                .query(String.class)
                .single();
    }

    private long stored(List<ChangeFiled> changes) {
        return jdbc.sql("SELECT count(*) FROM adapter_delivery WHERE delivery_id = ANY(:ids)")
                .param("ids", deliveryIds(changes).toArray(UUID[]::new))
                .query(Long.class)
                .single();
    }

    /** The queues the exact bytes were set aside from. */
    private List<String> poison(byte[] body) {
        return jdbc.sql("SELECT queue FROM poison_message WHERE body = :body")
                .param("body", body)
                .query(String.class)
                .list();
    }

    private List<String> poisonReasons(byte[] body) {
        return jdbc.sql("SELECT reason FROM poison_message WHERE body = :body")
                .param("body", body)
                .query(String.class)
                .list();
    }

    /** Poison that holds any of the receipts: a good change set aside, alone or with its whole batch. */
    private long poisonHolding(String receipt, String other) {
        return jdbc.sql("SELECT count(*) FROM poison_message WHERE position(convert_to(:receipt, 'UTF8') IN body) > 0"
                        + " OR position(convert_to(:other, 'UTF8') IN body) > 0")
                .param("receipt", receipt)
                .param("other", other)
                .query(Long.class)
                .single();
    }

    private Lifecycle inbox() {
        return context.getBean("inboxConsumers", Lifecycle.class);
    }
}
