package tw.tongbao.adapters;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tw.tongbao.core.control.AgencyHealth;
import tw.tongbao.core.delivery.DeliveryStatus;
import tw.tongbao.core.envelope.ChangeFiled;
import tw.tongbao.core.messaging.Topology;
import tw.tongbao.core.testing.TcpProxy;

@ExtendWith(AdapterTestEnvironment.class)
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "TONGBAO_REGISTRY=classpath:adapters-it-registry.yml",
            "tongbao.adapters.poll-interval=250ms",
            "tongbao.adapters.relay-poll-interval=250ms",
            "tongbao.adapters.health-interval=500ms",
            "management.prometheus.metrics.export.enabled=true"
        })
@DirtiesContext
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ObservabilityIntegrationTests {

    /**
     * Open until the test JVM ends, as the other test proxies are: closing it in an {@code @AfterAll} cut the broker off
     * before the class's context closed (JUnit runs a class's {@code @AfterAll} methods before the Spring extension
     * closes a dirtied context), and the reconnecting listeners' channel closes then failed on background threads
     * into the next test class.
     */
    private static final TcpProxy BROKER_PROXY = TcpProxy.start("127.0.0.1", AdapterTestEnvironment.VHOST.port());

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    @DynamicPropertySource
    static void environment(DynamicPropertyRegistry registry) {
        AdapterTestEnvironment.register(registry);
        registry.add("spring.rabbitmq.port", BROKER_PROXY::port);
    }

    @LocalServerPort
    int port;

    @Autowired
    RabbitTemplate rabbit;

    @Autowired
    javax.sql.DataSource dataSource;

    @BeforeAll
    static void agency() {
        AdapterTestEnvironment.AGENCIES.stubFor(
                post(urlEqualTo("/agencies/METRICS")).willReturn(aResponse().withStatus(202)));
    }

    @Test
    @Order(1)
    void prometheusShowsTheAgencysSeriesAfterADeliveryAndHealthSnapshotsFollow() throws Exception {
        deliverToMetrics("observed");

        HttpResponse<String> scrape = get("/actuator/prometheus");

        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.body())
                .contains("tongbao_deliveries_total{agency=\"METRICS\",outcome=\"delivered\"} 1.0")
                .contains("tongbao_delivery_attempt_seconds_bucket{agency=\"METRICS\"")
                .contains("tongbao_delivery_attempt_seconds_count{agency=\"METRICS\"} 1")
                .contains("tongbao_backlog{agency=\"METRICS\"}")
                .contains("tongbao_in_flight{agency=\"METRICS\"} 0.0")
                .contains("tongbao_circuit_state{agency=\"METRICS\",state=\"closed\"} 1.0")
                .contains("tongbao_circuit_state{agency=\"METRICS\",state=\"open\"} 0.0");

        List<AgencyHealth> snapshots = new ArrayList<>();
        AgencyHealth health = await().dontCatchUncaughtExceptions()
                .atMost(Duration.ofSeconds(10))
                .until(
                        () -> {
                            Object received;
                            while ((received = rabbit.receiveAndConvert(Topology.AGENCY_HEALTH_QUEUE)) != null) {
                                snapshots.add((AgencyHealth) received);
                            }
                            return snapshots.stream()
                                    // The counters move when the answer arrives, the backlog when its settlement
                                    // commits.
                                    .filter(s -> s.agency().equals("METRICS")
                                            && s.deliveredLastMinute() == 1
                                            && s.backlog() == 0)
                                    .findFirst();
                        },
                        Optional::isPresent)
                .orElseThrow();
        assertThat(health.circuitState()).isEqualTo("CLOSED");
        assertThat(health.backlog()).isZero();
        assertThat(health.failedLastMinute()).isZero();
        assertThat(health.p95LatencyMillis()).isNotNull();
        assertThat(health.paused()).isFalse();
    }

    // The broker proxy's cuts make channels fail on background threads; only the probes' answers count here. Last, and
    // ended by a delivery after the outage: the class's context then closes with every consumer and publisher
    // reconnected, not while they are still being restarted (a channel closed then fails on a background thread after
    // the context is gone, in whatever test runs next), and the counts the first test reads are not moved.
    @Test
    @Order(3)
    void readyOnlyWhileTheBrokerIsReachable() throws Exception {
        assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
        await().dontCatchUncaughtExceptions()
                .atMost(Duration.ofSeconds(10))
                .until(() -> get("/actuator/health/readiness").statusCode() == 200);

        BROKER_PROXY.cut();
        try {
            await().dontCatchUncaughtExceptions()
                    .atMost(Duration.ofSeconds(15))
                    .until(() -> get("/actuator/health/readiness").statusCode() == 503);
            assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
        } finally {
            BROKER_PROXY.restore();
        }

        await().dontCatchUncaughtExceptions()
                .atMost(Duration.ofSeconds(20))
                .until(() -> get("/actuator/health/readiness").statusCode() == 200);

        deliverToMetrics("after-outage");
    }

    /** Sends a change for the METRICS agency through the inbox and waits for the report that it was delivered. */
    private void deliverToMetrics(String subject) {
        ReportsProbe reports = new ReportsProbe(rabbit);
        ChangeFiled change = Filed.addressChange(subject, 1, "METRICS");
        rabbit.convertAndSend(Topology.CHANGES_EXCHANGE, "", change, message -> {
            message.getMessageProperties().setHeader(Topology.addressedHeader("METRICS"), Topology.ADDRESSED);
            return message;
        });
        await().dontCatchUncaughtExceptions()
                .atMost(Duration.ofSeconds(20))
                .until(
                        () -> reports.find(Filed.deliveryId(change, "METRICS"), DeliveryStatus.DELIVERED),
                        Optional::isPresent);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Order(2)
    void everyPooledSessionPlansItsStatementsOnce() throws Exception {
        try (var first = dataSource.getConnection();
                var second = dataSource.getConnection()) {
            for (var connection : List.of(first, second)) {
                try (var statement = connection.createStatement();
                        var result = statement.executeQuery("SHOW plan_cache_mode")) {
                    result.next();
                    assertThat(result.getString(1)).isEqualTo("force_generic_plan");
                }
            }
        }
    }
}
