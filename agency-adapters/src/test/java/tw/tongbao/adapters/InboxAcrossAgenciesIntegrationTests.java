package tw.tongbao.adapters;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tw.tongbao.core.envelope.ChangeFiled;
import tw.tongbao.core.messaging.Topology;

/**
 * The inbox taking in a change addressed to two agencies while one agency's part of its batch waits for a delivery row
 * another transaction holds (an earlier delivery of the same subject and type, locked by a test transaction): the
 * change's message is already committed, so no other instance's inbox waits for it, and once the row is free both
 * agencies' deliveries are stored and delivered once; a failure between the message's commit and the deliveries' loses
 * and duplicates nothing.
 */
@ExtendWith(AdapterTestEnvironment.class)
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {
            "TONGBAO_REGISTRY=classpath:adapters-it-registry.yml",
            "tongbao.adapters.poll-interval=250ms",
            "tongbao.adapters.relay-poll-interval=250ms",
            "tongbao.adapters.database-down-backoff=300ms"
        })
@DirtiesContext
class InboxAcrossAgenciesIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @DynamicPropertySource
    static void environment(DynamicPropertyRegistry registry) {
        AdapterTestEnvironment.register(registry);
    }

    @Autowired
    RabbitTemplate rabbit;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    DataSource dataSource;

    @BeforeAll
    static void agencies() {
        for (String code : new String[] {"HAPPY", "FAST"}) {
            AdapterTestEnvironment.AGENCIES.stubFor(
                    post(urlEqualTo("/agencies/" + code)).willReturn(aResponse().withStatus(202)));
        }
    }

    @Test
    void aBatchWaitingForOneAgencysRowHasItsMessageCommittedAndStoresEveryAgencyOnceTheRowIsFree() throws SQLException {
        ChangeFiled earlier = delivered("both-open");
        ChangeFiled change = Filed.addressChange("both-open", 2, "HAPPY", "FAST");

        try (Connection holder = holdRow(Filed.deliveryId(earlier, "HAPPY"))) {
            publish(change, "HAPPY", "FAST");
            awaitBlockedBy(holder);

            // Seen from another connection, so committed: another instance's inbox storing it would not wait.
            assertThat(messages(change)).isOne();
            assertThat(status(Filed.deliveryId(change, "HAPPY"))).isNull();
            assertThat(status(Filed.deliveryId(change, "FAST"))).isNull();
            assertThat(blockedBy(holder)).isOne();
            holder.rollback();
        }

        await().atMost(WAIT).until(() -> "DELIVERED".equals(status(Filed.deliveryId(change, "HAPPY"))));
        await().atMost(WAIT).until(() -> "DELIVERED".equals(status(Filed.deliveryId(change, "FAST"))));
        assertThat(messages(change)).isOne();
        assertThat(requests("HAPPY", Filed.deliveryId(change, "HAPPY"))).isOne();
        assertThat(requests("FAST", Filed.deliveryId(change, "FAST"))).isOne();
    }

    @Test
    void aFailureBetweenTheMessageCommitAndTheDeliveryCommitIsRedeliveredAndDeliveredOnce() throws SQLException {
        ChangeFiled earlier = delivered("torn");
        ChangeFiled change = Filed.addressChange("torn", 2, "HAPPY");
        UUID id = Filed.deliveryId(change, "HAPPY");

        try (Connection holder = holdRow(Filed.deliveryId(earlier, "HAPPY"))) {
            publish(change, "HAPPY");
            awaitBlockedBy(holder);
            // The message is committed, its delivery is not: the inbox dies here (its connection is killed).
            assertThat(messages(change)).isOne();
            assertThat(status(id)).isNull();
            Integer inbox = jdbc.sql("SELECT pid FROM pg_stat_activity WHERE :holder = ANY(pg_blocking_pids(pid))")
                    .param("holder", backendPid(holder))
                    .query(Integer.class)
                    .single();
            assertThat(jdbc.sql("SELECT pg_terminate_backend(:pid)")
                            .param("pid", inbox)
                            .query(Boolean.class)
                            .single())
                    .isTrue();
            holder.rollback();
        }

        // The unacknowledged message comes back, reuses the stored message row, and is delivered once.
        await().atMost(WAIT).until(() -> "DELIVERED".equals(status(id)));
        assertThat(messages(change)).isOne();
        assertThat(requests("HAPPY", id)).isOne();
        assertThat(jdbc.sql(
                                "SELECT count(*) FROM poison_message WHERE position(convert_to(:receipt, 'UTF8') IN body) > 0")
                        .param("receipt", change.receipt())
                        .query(Long.class)
                        .single())
                .isZero();
    }

    /** A change of {@code subject} addressed to HAPPY, delivered: its row is what a later change's inbox locks. */
    private ChangeFiled delivered(String subject) {
        ChangeFiled earlier = Filed.addressChange(subject, 1, "HAPPY");
        publish(earlier, "HAPPY");
        await().atMost(WAIT).until(() -> "DELIVERED".equals(status(Filed.deliveryId(earlier, "HAPPY"))));
        return earlier;
    }

    /** A connection whose open transaction holds the delivery row locked until it rolls back or closes. */
    private Connection holdRow(UUID deliveryId) throws SQLException {
        Connection connection = dataSource.getConnection();
        connection.setAutoCommit(false);
        try (PreparedStatement lock =
                connection.prepareStatement("SELECT 1 FROM adapter_delivery WHERE delivery_id = ? FOR UPDATE")) {
            lock.setObject(1, deliveryId);
            lock.executeQuery().close();
        }
        return connection;
    }

    private void awaitBlockedBy(Connection holder) throws SQLException {
        int pid = backendPid(holder);
        await().atMost(WAIT).until(() -> blockedBy(pid) == 1);
    }

    private long blockedBy(Connection holder) throws SQLException {
        return blockedBy(backendPid(holder));
    }

    private long blockedBy(int pid) {
        return jdbc.sql("SELECT count(*) FROM pg_stat_activity WHERE :holder = ANY(pg_blocking_pids(pid))")
                .param("holder", pid)
                .query(Long.class)
                .single();
    }

    private static int backendPid(Connection connection) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT pg_backend_pid()");
                ResultSet rs = query.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Sends the change to the named agencies' queues only. */
    private void publish(ChangeFiled change, String... agencies) {
        rabbit.convertAndSend(Topology.CHANGES_EXCHANGE, "", change, message -> {
            for (String agency : agencies) {
                message.getMessageProperties().setHeader(Topology.addressedHeader(agency), Topology.ADDRESSED);
            }
            return message;
        });
    }

    private String status(UUID deliveryId) {
        return jdbc.sql("SELECT status FROM adapter_delivery WHERE delivery_id = :id")
                .param("id", deliveryId)
                .query(String.class)
                .optional()
                .orElse(null);
    }

    private long messages(ChangeFiled change) {
        return jdbc.sql("SELECT count(*) FROM adapter_message WHERE change_id = :id")
                .param("id", change.changeId())
                .query(Long.class)
                .single();
    }

    private static long requests(String agency, UUID deliveryId) {
        return AdapterTestEnvironment.AGENCIES.findAll(postRequestedFor(urlEqualTo("/agencies/" + agency))).stream()
                .filter(request -> deliveryId.toString().equals(request.getHeader("webhook-id")))
                .count();
    }
}
