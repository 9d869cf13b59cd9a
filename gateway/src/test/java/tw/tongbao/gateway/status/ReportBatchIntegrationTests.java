package tw.tongbao.gateway.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static tw.tongbao.gateway.status.ReportMessages.TRIED;
import static tw.tongbao.gateway.status.ReportMessages.json;
import static tw.tongbao.gateway.status.ReportMessages.report;
import static tw.tongbao.gateway.status.ReportMessages.single;
import static tw.tongbao.gateway.status.ReportMessages.withDelivery;

import java.nio.charset.StandardCharsets;
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
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.listener.MessageListenerContainer;
import org.springframework.amqp.rabbit.listener.RabbitListenerEndpointRegistry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tw.tongbao.core.delivery.DeliveryStatus;
import tw.tongbao.core.report.DeliveryReported;
import tw.tongbao.core.testing.TcpProxy;
import tw.tongbao.core.testing.TestDatabase;
import tw.tongbao.core.testing.TestVhost;
import tw.tongbao.gateway.ReleasedAfterContext;
import tw.tongbao.gateway.ReleasedAfterContext.Release;

/**
 * The gateway takes delivery reports off real RabbitMQ in batches into real PostgreSQL (reached through a proxy that
 * can cut it off), one report to a message as adapters sent them before batching (messages of many reports:
 * {@link ReportBatchMessageIntegrationTests}): a burst is applied completely in few transactions, a batch ends where the
 * same reports applied one by one in revision order end, a malformed message drops out of its batch alone, and a batch
 * (of both kinds of message) that meets a database outage is redelivered and applied afterwards.
 */
@ExtendWith(ReleasedAfterContext.class)
@SpringBootTest
@DirtiesContext
class ReportBatchIntegrationTests {

    @Release(order = 4)
    static final TestDatabase database = TestDatabase.create("batch");

    @Release(order = 3)
    static final TcpProxy postgres =
            TcpProxy.start("127.0.0.1", Integer.getInteger("tongbao.test.postgres.port", 5432));

    @Release(order = 2)
    static final TestVhost vhost = TestVhost.create("batch");

    @Release(order = 1)
    static ReportsQueue queue;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    DeliveryReports reports;

    @Autowired
    RabbitListenerEndpointRegistry listeners;

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        registry.add(
                "spring.datasource.url",
                () -> "jdbc:postgresql://127.0.0.1:" + postgres.port() + "/" + database.name());
        registry.add("spring.datasource.username", database::username);
        registry.add("spring.datasource.password", database::password);
        registry.add("spring.datasource.hikari.connection-timeout", () -> "1000");
        registry.add("spring.rabbitmq.host", vhost::host);
        registry.add("spring.rabbitmq.port", vhost::port);
        registry.add("spring.rabbitmq.virtual-host", vhost::name);
        registry.add("spring.rabbitmq.username", vhost::username);
        registry.add("spring.rabbitmq.password", vhost::password);
        // Generous gathering times, so that reports published together surely form one batch on a busy machine.
        registry.add("tongbao.reports.receive-timeout", () -> "500ms");
        registry.add("tongbao.reports.max-batch-wait", () -> "5s");
    }

    @BeforeAll
    static void connectDirectly() {
        queue = new ReportsQueue(vhost);
    }

    @AfterEach
    void listenAgain() {
        postgres.restore();
        listener().start();
    }

    @Test
    void appliesEveryReportOfABurstInFewTransactions() {
        Deliveries deliveries = new Deliveries(jdbc);
        List<UUID> ids = new ArrayList<>();
        List<DeliveryReported> burst = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            UUID id = deliveries.stored(DeliveryStatus.PENDING, 0, 0);
            ids.add(id);
            burst.add(report(id, DeliveryStatus.RETRYING, 1, 1));
            burst.add(report(id, DeliveryStatus.DELIVERED, 2, 2));
            burst.add(report(id, DeliveryStatus.APPLIED, 3, 2));
        }

        publishWhileStopped(burst.stream().map(ReportMessages::single).toList());

        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(count(
                                "select count(*) from delivery where id = any(?)"
                                        + " and status = 'APPLIED' and revision = 3 and attempts = 2",
                                ids))
                        .isEqualTo(ids.size()));
        assertThat(count("select count(*) from delivery_event where delivery_id = any(?)", ids))
                .isEqualTo(burst.size());
        assertThat(deliveries.timeline(ids.get(0))).containsExactly("RETRYING", "DELIVERED", "APPLIED");
        // Each transaction stamps its rows with its own start time: 360 reports, at most 100 to a batch.
        assertThat(count("select count(distinct recorded_at) from delivery_event where delivery_id = any(?)", ids))
                .isBetween(4, 8);
    }

    @Test
    void endsAnOutOfOrderBatchWithDuplicatesWhereApplyingItOneByOneInRevisionOrderEnds() {
        Deliveries deliveries = new Deliveries(jdbc);
        Random random = new Random(7);
        List<DeliveryReported> batch = new ArrayList<>();
        List<UUID[]> twins = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            UUID batched = deliveries.stored(DeliveryStatus.PENDING, 0, 0);
            UUID alone = deliveries.stored(DeliveryStatus.PENDING, 0, 0);
            twins.add(new UUID[] {batched, alone});
            List<DeliveryReported> steps = List.of(
                    report(batched, DeliveryStatus.RETRYING, 1, 1),
                    report(batched, DeliveryStatus.RETRYING, 2, 2),
                    report(batched, DeliveryStatus.DELIVERED, 3, 3),
                    report(batched, DeliveryStatus.APPLIED, 4, 3));
            batch.addAll(steps);
            batch.add(steps.get(random.nextInt(steps.size())));
            batch.add(steps.get(random.nextInt(steps.size())));
        }
        Collections.shuffle(batch, random);

        publishWhileStopped(batch.stream().map(ReportMessages::single).toList());
        for (int position : ReportBatch.inRevisionOrder(batch)) {
            DeliveryReported report = batch.get(position);
            UUID alone = twins.stream()
                    .filter(pair -> pair[0].equals(report.deliveryId()))
                    .findFirst()
                    .orElseThrow()[1];
            reports.apply(withDelivery(report, alone));
        }

        List<UUID> batched = twins.stream().map(pair -> pair[0]).toList();
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(count(
                                "select count(*) from delivery where id = any(?)" + " and status = 'APPLIED'", batched))
                        .isEqualTo(batched.size()));
        assertThat(count("select count(distinct recorded_at) from delivery_event where delivery_id = any(?)", batched))
                .as("transactions")
                .isEqualTo(1);
        for (UUID[] pair : twins) {
            assertThat(deliveries.timeline(pair[0])).containsExactly("RETRYING", "RETRYING", "DELIVERED", "APPLIED");
            assertThat(deliveries.state(pair[0])).isEqualTo(deliveries.state(pair[1]));
        }
    }

    @Test
    void dropsMalformedMessagesFromTheMiddleOfABatchAndAppliesTheRest() {
        Deliveries deliveries = new Deliveries(jdbc);
        List<UUID> ids = new ArrayList<>();
        List<Message> batch = new ArrayList<>();
        UUID unknown = UUID.randomUUID();
        List<Message> malformed = List.of(
                json("not json", DeliveryReported.class),
                json(
                        "{\"deliveryId\": \"" + unknown + "\", \"status\": \"DELIVERED\", \"revision\": 1}",
                        DeliveryReported.class),
                single(new DeliveryReported(unknown, "NTA", DeliveryStatus.DELIVERED, 0, 1, TRIED, null, null, null)),
                new Message("DELIVERED".getBytes(StandardCharsets.UTF_8), new MessageProperties()),
                json("{\"deliveryId\": \"not a uuid\"}", DeliveryReported.class));
        for (int i = 0; i < 10; i++) {
            UUID id = deliveries.stored(DeliveryStatus.PENDING, 0, 0);
            ids.add(id);
            batch.add(single(report(id, DeliveryStatus.DELIVERED, 1, 1)));
            if (i % 2 == 1) {
                batch.add(malformed.get(i / 2));
            }
        }

        publishWhileStopped(batch);

        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(
                                count("select count(*) from delivery where id = any(?) and status = 'DELIVERED'", ids))
                        .isEqualTo(ids.size()));
        assertThat(count("select count(distinct recorded_at) from delivery_event where delivery_id = any(?)", ids))
                .as("transactions")
                .isEqualTo(1);
        // Stopping returns whatever is still unacked to the queue: nothing is, so nothing loops.
        listener().stop();
        assertThat(readyReports()).isZero();
    }

    @Test
    void appliesTheReportsOfAFailedBatchOneByOneAndDropsTheOneTheDatabaseRefuses() {
        Deliveries deliveries = new Deliveries(jdbc);
        List<UUID> ids = new ArrayList<>();
        List<Message> batch = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            UUID id = deliveries.stored(DeliveryStatus.PENDING, 0, 0);
            ids.add(id);
            batch.add(single(report(id, DeliveryStatus.DELIVERED, 1, 1)));
        }
        UUID refused = deliveries.stored(DeliveryStatus.PENDING, 0, 0);
        // PostgreSQL stores no NUL character in text: this report fails the whole batch transaction.
        batch.add(
                3,
                single(new DeliveryReported(
                        refused, "NTA", DeliveryStatus.REJECTED, 1, 1, TRIED, "bad\0reason", null, null)));

        publishWhileStopped(batch);

        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(
                                count("select count(*) from delivery where id = any(?) and status = 'DELIVERED'", ids))
                        .isEqualTo(ids.size()));
        assertThat(count("select count(distinct recorded_at) from delivery_event where delivery_id = any(?)", ids))
                .as("transactions")
                .isEqualTo(ids.size());
        listener().stop();
        assertThat(readyReports()).isZero();
        assertThat(deliveries.status(refused)).isEqualTo("PENDING");
        assertThat(deliveries.timeline(refused)).isEmpty();
    }

    @Test
    void redeliversABatchThatMeetsADatabaseOutageAndAppliesItAfterwards() throws Exception {
        Deliveries deliveries = new Deliveries(jdbc);
        List<UUID> ids = new ArrayList<>();
        List<DeliveryReported> together = new ArrayList<>();
        List<Message> batch = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            UUID id = deliveries.stored(DeliveryStatus.PENDING, 0, 0);
            ids.add(id);
            together.add(report(id, DeliveryStatus.DELIVERED, 1, 1));
        }
        // Two reports alone, as adapters sent them before batching, and three in one message, as they send them now.
        batch.add(single(together.get(0)));
        batch.add(single(together.get(1)));
        batch.add(ReportMessages.batch(together.subList(2, 5)));
        long redeliveredBefore = queue.redelivered();

        postgres.cut();
        queue.publish(batch);
        await().atMost(Duration.ofSeconds(60)).until(() -> queue.redelivered() > redeliveredBefore);
        postgres.restore();

        // The pool needs a moment to connect again; until then this test's own queries fail too.
        await().atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .untilAsserted(() -> assertThat(
                                count("select count(*) from delivery where id = any(?) and status = 'DELIVERED'", ids))
                        .isEqualTo(ids.size()));
        assertThat(count("select count(*) from delivery_event where delivery_id = any(?)", ids))
                .isEqualTo(ids.size());
    }

    private MessageListenerContainer listener() {
        return listeners.getListenerContainer(ReportListener.ID);
    }

    private void publishWhileStopped(List<Message> messages) {
        queue.publishWhileStopped(listener(), messages);
    }

    private long readyReports() {
        return queue.ready();
    }

    private int count(String sql, List<UUID> ids) {
        return jdbc.queryForObject(sql, Integer.class, (Object) ids.toArray(UUID[]::new));
    }
}
