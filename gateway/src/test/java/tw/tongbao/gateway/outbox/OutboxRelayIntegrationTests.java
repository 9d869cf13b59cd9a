package tw.tongbao.gateway.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.HeadersExchange;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.core.envelope.ChangeFiled;
import tw.tongbao.core.messaging.Topology;
import tw.tongbao.core.testing.TestDatabase;
import tw.tongbao.core.testing.TestVhost;
import tw.tongbao.gateway.QueuedChanges;
import tw.tongbao.gateway.ReleasedAfterContext;
import tw.tongbao.gateway.ReleasedAfterContext.Release;
import tw.tongbao.gateway.TestServices;

/**
 * The outbox relay against real PostgreSQL and RabbitMQ: changes outboxed together reach each agency queue in fewer
 * messages than changes, each queue's own in filing order, and a row is deleted when, and only when, the message
 * holding it is published.
 */
@ExtendWith(ReleasedAfterContext.class)
@SpringBootTest
@DirtiesContext
class OutboxRelayIntegrationTests {

    @Release(order = 3)
    static final TestDatabase database = TestDatabase.create("gwrelay");

    @Release(order = 2)
    static final TestVhost vhost = TestVhost.create("gwrelay");

    @Release(order = 1)
    static CachingConnectionFactory directConnection;

    static RabbitTemplate rabbit;

    /** An agency whose queue refuses every message, so the broker nacks whatever is addressed to it. */
    private static final String FULL = "FULL";

    private static final List<List<String>> ADDRESSEES = List.of(
            List.of("NTA", "NHIA", "MVDIS", "BLI"),
            List.of("NTA", "TPC"),
            List.of("NHIA", "TWC", "POST"),
            List.of("CEC", "NTA", "BLI", "MVDIS", "TPC", "POST"));

    @Autowired
    JsonMapper json;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    TransactionTemplate transaction;

    @Autowired
    Outbox outbox;

    @Autowired
    OutboxRelay relay;

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        TestServices.register(registry, database, vhost);
        registry.add("tongbao.outbox.poll-interval", () -> "200ms");
        registry.add("tongbao.outbox.confirm-timeout", () -> "2s");
    }

    @BeforeAll
    static void connectDirectly() {
        directConnection = new CachingConnectionFactory(vhost.host(), vhost.port());
        directConnection.setVirtualHost(vhost.name());
        directConnection.setUsername(vhost.username());
        directConnection.setPassword(vhost.password());
        directConnection.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
        rabbit = new RabbitTemplate(directConnection);
    }

    @Test
    void publishesChangesOutboxedTogetherInFewerMessagesEachQueueGettingItsOwnInFilingOrder() {
        List<ChangeFiled> changes = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            changes.add(FiledChanges.addressedTo(
                    ADDRESSEES.get(i % ADDRESSEES.size()).toArray(String[]::new)));
        }

        // Read before the relay publishes and deletes them.
        List<byte[]> stored;
        relay.stop();
        try {
            file(changes);
            stored = stored(changes);
        } finally {
            relay.start();
        }

        awaitDeleted(changes);
        Set<UUID> ids = idsOf(changes);
        for (String agency : List.of("NTA", "NHIA", "MVDIS", "BLI", "CEC", "TPC", "TWC", "POST")) {
            List<Message> messages = takeAll(agency).stream()
                    .filter(message -> QueuedChanges.all(json, message).stream()
                            .anyMatch(change -> ids.contains(changeId(change))))
                    .toList();
            List<byte[]> addressed = stored.stream()
                    .filter(change -> QueuedChanges.agenciesOf(json, change).contains(agency))
                    .toList();
            assertThat(addressed).as(agency).hasSizeGreaterThanOrEqualTo(10);
            assertThat(messages).as(agency).hasSizeLessThan(addressed.size());
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
        }
    }

    @Test
    void leavesEveryRowOfARefusedMessageInTheOutboxUntilTheBrokerTakesIt() throws Exception {
        RabbitAdmin admin = new RabbitAdmin(directConnection);
        Queue full = QueueBuilder.durable(Topology.agencyQueue(FULL))
                .quorum()
                .maxLength(0)
                .overflow(QueueBuilder.Overflow.rejectPublish)
                .build();
        admin.declareQueue(full);
        admin.declareBinding(BindingBuilder.bind(full)
                .to(new HeadersExchange(Topology.CHANGES_EXCHANGE))
                .whereAll(Map.of(Topology.addressedHeader(FULL), Topology.ADDRESSED))
                .match());
        // A quorum queue takes the message that first passes its limit and refuses those after it.
        CorrelationData filled = new CorrelationData();
        rabbit.send("", full.getName(), new Message(new byte[0]), filled);
        assertThat(filled.getFuture().get(10, TimeUnit.SECONDS).ack()).isTrue();
        List<ChangeFiled> changes = List.of(
                FiledChanges.addressedTo("NTA"),
                FiledChanges.addressedTo("NTA", FULL),
                FiledChanges.addressedTo("NTA"));

        file(changes);

        // The first change reaches NTA's queue again: the relay's first try left it in the outbox.
        UUID first = changes.get(0).changeId();
        List<UUID> seen = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            takeAll("NTA")
                    .forEach(message -> QueuedChanges.all(json, message).forEach(change -> seen.add(changeId(change))));
            return seen.stream().filter(first::equals).count() >= 2;
        });
        assertThat(inOutbox(changes)).isEqualTo(3);

        admin.deleteQueue(full.getName());

        awaitDeleted(changes);
    }

    @Test
    void deletesTheRowsOfEveryChangeItPublished() {
        List<ChangeFiled> changes = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            changes.add(FiledChanges.addressedTo("TWC"));
        }

        file(changes);

        Set<UUID> received = new LinkedHashSet<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            takeAll("TWC")
                    .forEach(message ->
                            QueuedChanges.all(json, message).forEach(change -> received.add(changeId(change))));
            return received.containsAll(idsOf(changes));
        });
        awaitDeleted(changes);
        assertThat(jdbc.queryForObject("select count(*) from outbox where published_at is not null", Integer.class))
                .isZero();
    }

    /** Writes the changes and their outbox rows in one transaction, as a filing does. */
    private void file(List<ChangeFiled> changes) {
        transaction.executeWithoutResult(status -> {
            for (ChangeFiled change : changes) {
                jdbc.update(
                        "insert into change (id, receipt, type, subject_id, filer_id, subject_name, sequence,"
                                + " effective_date, submitted_at, data, idempotency_key, request_hash, response)"
                                + " values (?, ?, 'ADDRESS_CHANGE', ?, ?, ?, 1, date '2026-12-01', now(), ?::jsonb,"
                                + " 'relay', ?, '{}')",
                        change.changeId(),
                        change.receipt(),
                        change.subjectId(),
                        change.subjectId(),
                        change.subjectName(),
                        json.writeValueAsString(change.data()),
                        "0".repeat(64));
            }
            outbox.appendAll(changes);
        });
    }

    private void awaitDeleted(List<ChangeFiled> changes) {
        await().atMost(Duration.ofSeconds(30)).until(() -> inOutbox(changes) == 0);
    }

    /** How many of the changes still have a row in the outbox, published or not. */
    private int inOutbox(List<ChangeFiled> changes) {
        return jdbc.queryForObject("select count(*) from outbox where change_id = any(?)", Integer.class, (Object)
                idsOf(changes).toArray(UUID[]::new));
    }

    /** The outbox rows' payloads as the relay reads them, in id order. */
    private List<byte[]> stored(List<ChangeFiled> changes) {
        return jdbc.queryForList(
                "select convert_to(payload, 'UTF8') from outbox where change_id = any(?) order by id",
                byte[].class,
                (Object) idsOf(changes).toArray(UUID[]::new));
    }

    private static Set<UUID> idsOf(List<ChangeFiled> changes) {
        Set<UUID> ids = new LinkedHashSet<>();
        changes.forEach(change -> ids.add(change.changeId()));
        return ids;
    }

    private UUID changeId(byte[] change) {
        return UUID.fromString(json.readTree(change).path("changeId").asString());
    }

    private Set<String> unionOf(List<byte[]> changes) {
        Set<String> agencies = new LinkedHashSet<>();
        changes.forEach(change -> agencies.addAll(QueuedChanges.agenciesOf(json, change)));
        return agencies;
    }

    /** Every message waiting on the agency's queue, oldest first. */
    private static List<Message> takeAll(String agency) {
        List<Message> messages = new ArrayList<>();
        Message message;
        while ((message = rabbit.receive(Topology.agencyQueue(agency))) != null) {
            messages.add(message);
        }
        return messages;
    }
}
