package tw.tongbao.gateway.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static tw.tongbao.gateway.status.ReportMessages.TRIED;
import static tw.tongbao.gateway.status.ReportMessages.batch;
import static tw.tongbao.gateway.status.ReportMessages.json;
import static tw.tongbao.gateway.status.ReportMessages.report;
import static tw.tongbao.gateway.status.ReportMessages.single;
import static tw.tongbao.gateway.status.ReportMessages.text;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.listener.MessageListenerContainer;
import org.springframework.amqp.rabbit.listener.RabbitListenerEndpointRegistry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tw.tongbao.core.delivery.DeliveryStatus;
import tw.tongbao.core.report.DeliveryReportBatch;
import tw.tongbao.core.report.DeliveryReported;
import tw.tongbao.core.testing.TestDatabase;
import tw.tongbao.core.testing.TestVhost;
import tw.tongbao.gateway.ReleasedAfterContext;
import tw.tongbao.gateway.ReleasedAfterContext.Release;
import tw.tongbao.gateway.TestServices;

/**
 * The gateway takes messages of many delivery reports, as the adapters' relay sends them, off real RabbitMQ into real
 * PostgreSQL, together with single-report messages queued by adapters from before batching: every report applies in
 * revision order, in transactions of at most {@code tongbao.reports.batch-size}; a report the database refuses or
 * that cannot be read drops out of its message alone, and a message that cannot be read at all is dropped, not looped.
 */
@ExtendWith(ReleasedAfterContext.class)
@SpringBootTest
@DirtiesContext
class ReportBatchMessageIntegrationTests {

    @Release(order = 3)
    static final TestDatabase database = TestDatabase.create("reportmsg");

    @Release(order = 2)
    static final TestVhost vhost = TestVhost.create("reportmsg");

    @Release(order = 1)
    static ReportsQueue queue;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    RabbitListenerEndpointRegistry listeners;

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        TestServices.register(registry, database, vhost);
        // Generous gathering times, so that messages published together surely form one batch on a busy machine.
        registry.add("tongbao.reports.receive-timeout", () -> "500ms");
        registry.add("tongbao.reports.max-batch-wait", () -> "5s");
    }

    @BeforeAll
    static void connectDirectly() {
        queue = new ReportsQueue(vhost);
    }

    @AfterEach
    void listenAgain() {
        listener().start();
    }

    @Test
    void appliesEveryReportOfAMessageInRevisionOrderAtMostABatchSizeToATransaction() {
        Deliveries deliveries = new Deliveries(jdbc);
        List<UUID> ids = new ArrayList<>();
        List<DeliveryReported> reports = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            UUID id = deliveries.stored(DeliveryStatus.PENDING, 0, 0);
            ids.add(id);
            reports.add(report(id, DeliveryStatus.RETRYING, 1, 1));
            reports.add(report(id, DeliveryStatus.DELIVERED, 2, 2));
            reports.add(report(id, DeliveryStatus.APPLIED, 3, 2));
        }
        Collections.shuffle(reports, new Random(11));

        queue.publishWhileStopped(listener(), List.of(batch(reports)));

        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(count(
                                "select count(*) from delivery where id = any(?)"
                                        + " and status = 'APPLIED' and revision = 3 and attempts = 2",
                                ids))
                        .isEqualTo(ids.size()));
        for (UUID id : ids) {
            assertThat(deliveries.timeline(id)).containsExactly("RETRYING", "DELIVERED", "APPLIED");
        }
        // 120 reports, at most 100 to a transaction (each stamps its rows with its own start time).
        assertThat(count("select count(distinct recorded_at) from delivery_event where delivery_id = any(?)", ids))
                .as("transactions")
                .isEqualTo(2);
        listener().stop();
        assertThat(queue.ready()).isZero();
    }

    @Test
    void appliesSingleReportMessagesQueuedBeforeTheUpgradeTogetherWithMessagesOfMany() {
        Deliveries deliveries = new Deliveries(jdbc);
        List<UUID> ids = new ArrayList<>();
        List<Message> messages = new ArrayList<>();
        List<DeliveryReported> delivered = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            UUID id = deliveries.stored(DeliveryStatus.PENDING, 0, 0);
            ids.add(id);
            messages.add(single(report(id, DeliveryStatus.RETRYING, 1, 1)));
            delivered.add(report(id, DeliveryStatus.DELIVERED, 2, 2));
        }
        UUID alone = deliveries.stored(DeliveryStatus.PENDING, 0, 0);
        messages.add(batch(delivered));
        messages.add(single(report(alone, DeliveryStatus.DELIVERED, 1, 1)));

        queue.publishWhileStopped(listener(), messages);

        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(count(
                                "select count(*) from delivery where id = any(?) and status = 'DELIVERED'"
                                        + " and revision = 2 and attempts = 2",
                                ids))
                        .isEqualTo(ids.size()));
        for (UUID id : ids) {
            assertThat(deliveries.timeline(id)).containsExactly("RETRYING", "DELIVERED");
        }
        assertThat(deliveries.timeline(alone)).containsExactly("DELIVERED");
        listener().stop();
        assertThat(queue.ready()).isZero();
    }

    @Test
    void appliesTheOtherReportsOfAMessageWhenTheDatabaseRefusesOne() {
        Deliveries deliveries = new Deliveries(jdbc);
        List<UUID> ids = new ArrayList<>();
        List<DeliveryReported> reports = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            UUID id = deliveries.stored(DeliveryStatus.PENDING, 0, 0);
            ids.add(id);
            reports.add(report(id, DeliveryStatus.DELIVERED, 1, 1));
        }
        UUID refused = deliveries.stored(DeliveryStatus.PENDING, 0, 0);
        // PostgreSQL stores no NUL character in text: this report fails the whole transaction.
        reports.add(
                3,
                new DeliveryReported(refused, "NTA", DeliveryStatus.REJECTED, 1, 1, TRIED, "bad\0reason", null, null));

        queue.publishWhileStopped(listener(), List.of(batch(reports)));

        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(
                                count("select count(*) from delivery where id = any(?) and status = 'DELIVERED'", ids))
                        .isEqualTo(ids.size()));
        assertThat(count("select count(distinct recorded_at) from delivery_event where delivery_id = any(?)", ids))
                .as("transactions")
                .isEqualTo(ids.size());
        listener().stop();
        assertThat(queue.ready()).isZero();
        assertThat(deliveries.status(refused)).isEqualTo("PENDING");
        assertThat(deliveries.timeline(refused)).isEmpty();
    }

    @Test
    void dropsTheUnreadableReportsOfAMessageAndUnreadableMessagesAndAppliesTheRest() {
        Deliveries deliveries = new Deliveries(jdbc);
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(deliveries.stored(DeliveryStatus.PENDING, 0, 0));
        }
        UUID incomplete = deliveries.stored(DeliveryStatus.PENDING, 0, 0);
        String reports = String.join(
                ",",
                text(report(ids.get(0), DeliveryStatus.DELIVERED, 1, 1)),
                "{\"deliveryId\": \"not a uuid\", \"agency\": \"NTA\", \"status\": \"DELIVERED\", \"revision\": 1}",
                text(report(ids.get(1), DeliveryStatus.DELIVERED, 1, 1)),
                "null",
                text(report(incomplete, DeliveryStatus.DELIVERED, 0, 1)),
                text(report(ids.get(2), DeliveryStatus.DELIVERED, 1, 1)));
        List<Message> messages = List.of(
                json("not json", DeliveryReportBatch.class),
                json("{\"reports\": []}", DeliveryReportBatch.class),
                json("{\"reports\": [" + reports + "]}", DeliveryReportBatch.class),
                json("{\"reports\": {\"deliveryId\": \"" + incomplete + "\"}}", DeliveryReportBatch.class));

        queue.publishWhileStopped(listener(), messages);

        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(
                                count("select count(*) from delivery where id = any(?) and status = 'DELIVERED'", ids))
                        .isEqualTo(ids.size()));
        assertThat(count("select count(distinct recorded_at) from delivery_event where delivery_id = any(?)", ids))
                .as("transactions")
                .isEqualTo(1);
        listener().stop();
        assertThat(queue.ready()).isZero();
        assertThat(deliveries.status(incomplete)).isEqualTo("PENDING");
    }

    private MessageListenerContainer listener() {
        return listeners.getListenerContainer(ReportListener.ID);
    }

    private int count(String sql, List<UUID> ids) {
        return jdbc.queryForObject(sql, Integer.class, (Object) ids.toArray(UUID[]::new));
    }
}
