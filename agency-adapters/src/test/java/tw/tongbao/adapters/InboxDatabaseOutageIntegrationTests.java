package tw.tongbao.adapters;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
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
import tw.tongbao.core.delivery.DeliveryStatus;
import tw.tongbao.core.envelope.ChangeFiled;
import tw.tongbao.core.messaging.Topology;
import tw.tongbao.core.testing.TcpProxy;

@ExtendWith(AdapterTestEnvironment.class)
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {
            "TONGBAO_REGISTRY=classpath:adapters-it-registry.yml",
            "tongbao.adapters.poll-interval=250ms",
            "tongbao.adapters.relay-poll-interval=250ms",
            "tongbao.adapters.database-down-backoff=300ms",
            "spring.datasource.hikari.connection-timeout=1000",
            "spring.datasource.hikari.validation-timeout=500"
        })
@DirtiesContext
class InboxDatabaseOutageIntegrationTests {

    private static final TcpProxy DATABASE_PROXY = TcpProxy.start("127.0.0.1", 5432);

    @DynamicPropertySource
    static void environment(DynamicPropertyRegistry registry) {
        AdapterTestEnvironment.register(registry);
        registry.add(
                "spring.datasource.url",
                () -> AdapterTestEnvironment.DATABASE.jdbcUrl().replace(":5432/", ":" + DATABASE_PROXY.port() + "/"));
    }

    @Autowired
    RabbitTemplate rabbit;

    @Autowired
    JdbcClient jdbc;

    @BeforeAll
    static void agency() {
        AdapterTestEnvironment.AGENCIES.stubFor(
                post(urlEqualTo("/agencies/HAPPY")).willReturn(aResponse().withStatus(202)));
    }

    @Test
    void keepsTheMessageOnTheQueueWhileTheDatabaseIsDownAndDeliversItAfter() {
        ChangeFiled change = Filed.addressChange("outage", 1, "HAPPY");
        UUID id = Filed.deliveryId(change, "HAPPY");
        ReportsProbe reports = new ReportsProbe(rabbit);

        DATABASE_PROXY.cut();
        try {
            rabbit.convertAndSend(Topology.CHANGES_EXCHANGE, "", change, message -> {
                message.getMessageProperties().setHeader(Topology.addressedHeader("HAPPY"), Topology.ADDRESSED);
                return message;
            });
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> requests(id) == 0);
        } finally {
            DATABASE_PROXY.restore();
        }

        await().atMost(Duration.ofSeconds(20))
                .until(() -> reports.find(id, DeliveryStatus.DELIVERED), Optional::isPresent);
        assertThat(requests(id)).isEqualTo(1);
        // This change's message only: the database is shared with other test classes, which set poison aside.
        assertThat(jdbc.sql("SELECT count(*) FROM poison_message"
                                + " WHERE position(convert_to(:receipt, 'UTF8') IN body) > 0")
                        .param("receipt", change.receipt())
                        .query(Long.class)
                        .single())
                .isZero();
    }

    private static long requests(UUID deliveryId) {
        return AdapterTestEnvironment.AGENCIES.findAll(postRequestedFor(urlEqualTo("/agencies/HAPPY"))).stream()
                .filter(request -> deliveryId.toString().equals(request.getHeader("webhook-id")))
                .count();
    }
}
