package tw.tongbao.adapters.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.DirectExchange;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.support.converter.JacksonJsonMessageConverter;
import tools.jackson.databind.JsonNode;
import tw.tongbao.adapters.AdaptersProperties;
import tw.tongbao.adapters.AdaptersSettings;
import tw.tongbao.adapters.transport.EngineDatabase;
import tw.tongbao.core.control.AgencyAlert;
import tw.tongbao.core.delivery.DeliveryStatus;
import tw.tongbao.core.messaging.Topology;
import tw.tongbao.core.report.AttemptRecord;
import tw.tongbao.core.report.DeliveryReportBatch;
import tw.tongbao.core.report.DeliveryReported;
import tw.tongbao.core.testing.TestVhost;

/**
 * The relay against real RabbitMQ and PostgreSQL: reports go many to a message, in order, and a row leaves the outbox
 * only once the broker confirmed the message holding it (a nacked or returned message keeps its rows).
 */
class ReportRelayIntegrationTests {

    private static final int PER_MESSAGE = 25;

    /** Reports the vacuum tests publish, and so delete. */
    private static final int DELETED = 20_000;

    private static EngineDatabase db;
    private static TestVhost vhost;
    private static CachingConnectionFactory connection;
    private static RabbitTemplate rabbit;
    private static RabbitAdmin admin;

    /** Reads as the gateway's converter does by the type id header. */
    private final JacksonJsonMessageConverter byHeader =
            new JacksonJsonMessageConverter(db.json, "tw.tongbao.core.report", "tw.tongbao.core.control");

    private final ReportRelay relay = new ReportRelay(new ReportOutbox(db.jdbc, db.json), rabbit, properties(null));

    @BeforeAll
    static void connect() {
        db = EngineDatabase.create("relay");
        vhost = TestVhost.create("relay");
        connection = new CachingConnectionFactory(vhost.host(), vhost.port());
        connection.setVirtualHost(vhost.name());
        connection.setUsername(vhost.username());
        connection.setPassword(vhost.password());
        connection.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
        connection.setPublisherReturns(true);
        rabbit = new RabbitTemplate(connection);
        rabbit.setMandatory(true);
        admin = new RabbitAdmin(connection);
        admin.declareExchange(new DirectExchange(Topology.REPORTS_EXCHANGE, true, false));
    }

    @AfterAll
    static void disconnect() {
        connection.destroy();
        vhost.close();
        db.close();
    }

    @BeforeEach
    void empty() {
        db.empty();
    }

    @AfterEach
    void removeQueue() {
        admin.deleteQueue(Topology.REPORTS_QUEUE);
        // The tests declare this queue as different types (classic, quorum). RabbitMQ 3.10 crashes a channel that
        // published to the deleted queue and then publishes to a new one of another type under the same name
        // (function_clause in rabbit_classic_queue:update), taking the connection with it: fresh channels each test.
        connection.resetConnection();
    }

    @Test
    void publishesReportsManyToAMessageInOrderAndForgetsThemOnceConfirmed() {
        bindQueue(QueueBuilder.durable(Topology.REPORTS_QUEUE).quorum().build());
        List<DeliveryReported> reports = reports(230);
        db.transactions.executeWithoutResult(tx -> db.reports.appendAll(reports));

        relay.runOnce();

        // 230 rows in relay batches of 100, 25 to a message: 4 + 4 + 2 messages, ceil(230 / 25).
        List<Message> messages = drain();
        assertThat(messages).hasSize(10);
        List<DeliveryReported> received = new ArrayList<>();
        for (Message message : messages) {
            DeliveryReportBatch batch = (DeliveryReportBatch) byHeader.fromMessage(message);
            assertThat(batch.reports()).hasSizeLessThanOrEqualTo(PER_MESSAGE);
            received.addAll(batch.reports());
        }
        assertThat(received).containsExactlyElementsOf(reports);
        assertThat(outboxRows()).isZero();
    }

    @Test
    void keepsTheRowsOfEveryMessageFromTheFirstTheBrokerNackedOn() {
        // The broker takes three messages and refuses (nacks) every one after them.
        bindQueue(QueueBuilder.nonDurable(Topology.REPORTS_QUEUE)
                .maxLength(3)
                .overflow(QueueBuilder.Overflow.rejectPublish)
                .build());
        List<DeliveryReported> reports = reports(230);
        db.transactions.executeWithoutResult(tx -> db.reports.appendAll(reports));

        relay.runOnce();

        assertThat(drain()).hasSize(3);
        // Only the rows of the three confirmed messages are gone; the relay stopped at the first refused one.
        assertThat(outboxRows()).isEqualTo(230 - 3 * PER_MESSAGE);
        assertThat(db.jdbc
                        .sql("SELECT min(revision) FROM report_outbox")
                        .query(Long.class)
                        .single())
                .isEqualTo(reports.get(3 * PER_MESSAGE).revision());

        relay.runOnce();

        List<DeliveryReported> next = new ArrayList<>();
        drain().forEach(message -> next.addAll(((DeliveryReportBatch) byHeader.fromMessage(message)).reports()));
        assertThat(next).containsExactlyElementsOf(reports.subList(3 * PER_MESSAGE, 6 * PER_MESSAGE));
        assertThat(outboxRows()).isEqualTo(230 - 6 * PER_MESSAGE);
    }

    @Test
    void keepsTheRowsOfAReturnedMessageAndSendsAlertsAloneToTheAlertsExchange() {
        // No queue bound: every mandatory report message comes back.
        admin.declareQueue(new Queue(Topology.REPORTS_QUEUE));
        Queue alerts = new Queue(Topology.ALERTS_QUEUE);
        admin.declareQueue(alerts);
        TopicExchange alertsExchange = new TopicExchange(Topology.ALERTS_EXCHANGE, true, false);
        admin.declareExchange(alertsExchange);
        admin.declareBinding(BindingBuilder.bind(alerts).to(alertsExchange).with("#"));
        List<DeliveryReported> reports = reports(3);
        AgencyAlert alert = new AgencyAlert("NHIA", AgencyAlert.Kind.DISABLED, "agency answered 410", Instant.now());
        db.transactions.executeWithoutResult(tx -> {
            db.reports.appendAll(reports.subList(0, 2));
            db.reports.appendAlert(alert);
            db.reports.append(reports.get(2));
        });

        relay.runOnce();

        assertThat(outboxRows()).isEqualTo(4);
        assertThat(drain()).isEmpty();

        admin.declareBinding(binding(new Queue(Topology.REPORTS_QUEUE)));
        relay.runOnce();

        assertThat(outboxRows()).isZero();
        List<Message> sent = drain();
        assertThat(sent).hasSize(1);
        assertThat(((DeliveryReportBatch) byHeader.fromMessage(sent.get(0))).reports())
                .containsExactlyElementsOf(reports);
        Message alertMessage = rabbit.receive(Topology.ALERTS_QUEUE, 5_000);
        assertThat(byHeader.fromMessage(alertMessage)).isEqualTo(alert);
        admin.deleteQueue(Topology.ALERTS_QUEUE);
    }

    /** Defaults but for the reports a message holds and, unless null, the vacuum's interval. */
    private static AdaptersProperties properties(Integer vacuumAfter) {
        return AdaptersSettings.with(
                vacuumAfter == null
                        ? Map.of("relay-reports-per-message", PER_MESSAGE)
                        : Map.of("relay-reports-per-message", PER_MESSAGE, "relay-vacuum-after", vacuumAfter));
    }

    @Test
    void vacuumsTheOutboxOnceItDeletedEnoughReportsSoThatReadingTheOldestStaysCheap() {
        Vacuums before = publishEveryReport(1_000);

        // The server publishes a table's counts a moment after the vacuum ends.
        await("vacuumed every 1,000 rows while publishing, not once the outbox ran empty")
                .atMost(Duration.ofSeconds(10))
                .until(() -> vacuums("report_outbox") >= before.outbox() + DELETED / 1_000);
        await("the heads the reported changes left dead are vacuumed with the reports")
                .atMost(Duration.ofSeconds(10))
                .until(() -> vacuums("adapter_head") > before.heads());
        // Not vacuumed, the same read walks the index pages of every deleted row (below: about one per 400 rows).
        assertThat(buffersOfReadingTheOldest()).isLessThan(10);
    }

    @Test
    void neverVacuumsWhenToldNot() {
        Vacuums before = publishEveryReport(0);

        assertThat(buffersOfReadingTheOldest()).isGreaterThan(DELETED / 500);
        assertThat(vacuums("report_outbox")).isEqualTo(before.outbox());
        assertThat(vacuums("adapter_head")).isEqualTo(before.heads());
    }

    /**
     * Publishes {@link #DELETED} reports with a relay that vacuums after {@code vacuumAfter} rows deleted (0 never), and
     * checks that every one went and left the outbox; returns how often each table had been vacuumed before.
     */
    private Vacuums publishEveryReport(int vacuumAfter) {
        bindQueue(QueueBuilder.durable(Topology.REPORTS_QUEUE).quorum().build());
        ReportRelay relay = new ReportRelay(new ReportOutbox(db.jdbc, db.json), rabbit, properties(vacuumAfter));
        Vacuums before = new Vacuums(vacuums("report_outbox"), vacuums("adapter_head"));
        db.transactions.executeWithoutResult(tx -> db.reports.appendAll(reports(DELETED)));

        relay.runOnce();

        assertThat(outboxRows()).isZero();
        assertThat(drain()).hasSize(DELETED / PER_MESSAGE);
        return before;
    }

    /** How often the outbox and the head table had been vacuumed. */
    private record Vacuums(long outbox, long heads) {}

    private static long vacuums(String table) {
        return db.jdbc
                .sql("SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = :table")
                .param("table", table)
                .query(Long.class)
                .single();
    }

    /** Shared buffers the relay's read of the oldest rows touches, as PostgreSQL counts them. */
    private static long buffersOfReadingTheOldest() {
        String plan = db.jdbc
                .sql("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)"
                        + " SELECT id, kind, delivery_id, revision, body FROM report_outbox ORDER BY id LIMIT 100")
                .query(String.class)
                .single();
        JsonNode top = db.json.readTree(plan).get(0).get("Plan");
        return top.get("Shared Hit Blocks").asLong()
                + top.get("Shared Read Blocks").asLong();
    }

    private static void bindQueue(Queue queue) {
        admin.declareQueue(queue);
        admin.declareBinding(binding(queue));
    }

    private static Binding binding(Queue queue) {
        return BindingBuilder.bind(queue)
                .to(new DirectExchange(Topology.REPORTS_EXCHANGE))
                .with(Topology.REPORTS_ROUTING_KEY);
    }

    /** Every message waiting in the reports queue, in queue order. */
    private static List<Message> drain() {
        List<Message> messages = new ArrayList<>();
        Message message;
        while ((message = rabbit.receive(Topology.REPORTS_QUEUE)) != null) {
            messages.add(message);
        }
        return messages;
    }

    private static long outboxRows() {
        return db.jdbc
                .sql("SELECT count(*) FROM report_outbox")
                .query(Long.class)
                .single();
    }

    /** Reports of one delivery, revisions 1..count, so their order shows. */
    private static List<DeliveryReported> reports(int count) {
        UUID delivery = UUID.randomUUID();
        Instant at = Instant.parse("2026-11-26T10:00:00Z");
        List<DeliveryReported> reports = new ArrayList<>(count);
        for (int revision = 1; revision <= count; revision++) {
            reports.add(new DeliveryReported(
                    delivery,
                    "NHIA",
                    DeliveryStatus.RETRYING,
                    revision,
                    revision,
                    at.plusSeconds(revision),
                    "HTTP 503: 服務暫停",
                    at.plusSeconds(revision + 60),
                    new AttemptRecord(revision, at, 37, 503, "{\"error\":\"busy\"}", null)));
        }
        return reports;
    }
}
