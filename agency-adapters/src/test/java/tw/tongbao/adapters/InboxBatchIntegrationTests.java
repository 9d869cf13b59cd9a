package tw.tongbao.adapters;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.context.Lifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tw.tongbao.core.envelope.ChangeFiled;
import tw.tongbao.core.messaging.Topology;

/**
 * The inbox takes a batch from all the agency queues at once: the changes of a batch that spans five agencies are
 * stored with one message insert and one delivery transaction, and a poison message among them is set aside in the name
 * of its own queue while the rest is stored and every message acknowledged. The messages are queued while the inbox is
 * stopped and the batch wait is long, so that they make one batch.
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
class InboxBatchIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(15);

    private static final String[] AGENCIES = {"ARCH", "BIRCH", "CEDAR", "DUNE", "ELM"};

    @DynamicPropertySource
    static void environment(DynamicPropertyRegistry registry) {
        AdapterTestEnvironment.register(registry);
    }

    @Autowired
    RabbitTemplate rabbit;

    @Autowired
    AmqpAdmin admin;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ApplicationContext context;

    InboxStatements statements;

    @BeforeAll
    static void agencies() {
        for (String code : AGENCIES) {
            AdapterTestEnvironment.AGENCIES.stubFor(
                    post(urlEqualTo("/agencies/" + code)).willReturn(aResponse().withStatus(202)));
        }
    }

    @BeforeEach
    void countStatements() {
        statements = InboxStatements.install(jdbc);
    }

    @AfterEach
    void removeCounter() {
        inbox().start();
        statements.close();
    }

    @Test
    void aBatchSpanningAgenciesStoresEachMessageOnceAndEveryDeliveryInOneTransaction() {
        List<ChangeFiled> changes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            changes.add(Filed.addressChange("spanning-" + i, 1, AGENCIES));
        }

        inbox().stop();
        changes.forEach(this::publish);
        inbox().start();

        await().atMost(WAIT).until(() -> stored(changes) == 20);
        assertThat(statements.messageInserts()).isOne();
        assertThat(statements.deliveryInserts()).isOne();
        assertThat(statements.deliveryTransactions()).isOne();
        assertThat(jdbc.sql("SELECT count(*) FROM adapter_message WHERE change_id = ANY(:ids)")
                        .param(
                                "ids",
                                changes.stream().map(ChangeFiled::changeId).toArray(UUID[]::new))
                        .query(Long.class)
                        .single())
                .isEqualTo(4);
        assertEveryQueueEmptyOnceTheInboxStops();
    }

    @Test
    void aPoisonMessageInABatchSpanningAgenciesIsSetAsideInItsOwnQueuesNameAndTheRestStored() {
        List<ChangeFiled> changes = List.of(
                Filed.addressChange("around-poison-1", 1, AGENCIES),
                Filed.addressChange("around-poison-2", 1, AGENCIES));
        String marker = "poison-" + UUID.randomUUID();

        inbox().stop();
        publish(changes.get(0));
        MessageProperties properties = new MessageProperties();
        properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        properties.setHeader(Topology.addressedHeader("CEDAR"), Topology.ADDRESSED);
        rabbit.send(
                Topology.CHANGES_EXCHANGE,
                "",
                new Message(("{\"receipt\": \"" + marker + "\" oops").getBytes(StandardCharsets.UTF_8), properties));
        publish(changes.get(1));
        inbox().start();

        await().atMost(WAIT).until(() -> stored(changes) == 10);
        assertThat(jdbc.sql("SELECT queue FROM poison_message WHERE position(convert_to(:marker, 'UTF8') IN body) > 0")
                        .param("marker", marker)
                        .query(String.class)
                        .list())
                .containsExactly(Topology.agencyQueue("CEDAR"));
        assertThat(jdbc.sql(
                                "SELECT count(*) FROM poison_message WHERE position(convert_to(:receipt, 'UTF8') IN body) > 0"
                                        + " OR position(convert_to(:other, 'UTF8') IN body) > 0")
                        .param("receipt", changes.get(0).receipt())
                        .param("other", changes.get(1).receipt())
                        .query(Long.class)
                        .single())
                .isZero();
        // The poison went aside in the batch's own transaction, not through a retry of the batch message by message.
        assertThat(statements.deliveryTransactions()).isOne();
        assertEveryQueueEmptyOnceTheInboxStops();
    }

    /** Stopping the inbox closes its channel, which requeues whatever it had not acknowledged. */
    private void assertEveryQueueEmptyOnceTheInboxStops() {
        inbox().stop();
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> queued() == 0);
    }

    private long queued() {
        long queued = 0;
        for (String agency : AGENCIES) {
            queued += admin.getQueueInfo(Topology.agencyQueue(agency)).getMessageCount();
        }
        return queued;
    }

    private long stored(List<ChangeFiled> changes) {
        return jdbc.sql("SELECT count(*) FROM adapter_delivery WHERE receipt = ANY(:receipts)")
                .param("receipts", changes.stream().map(ChangeFiled::receipt).toArray(String[]::new))
                .query(Long.class)
                .single();
    }

    private Lifecycle inbox() {
        return context.getBean("inboxConsumers", Lifecycle.class);
    }

    private void publish(ChangeFiled change) {
        rabbit.convertAndSend(Topology.CHANGES_EXCHANGE, "", change, message -> {
            for (String agency : AGENCIES) {
                message.getMessageProperties().setHeader(Topology.addressedHeader(agency), Topology.ADDRESSED);
            }
            return message;
        });
    }
}
