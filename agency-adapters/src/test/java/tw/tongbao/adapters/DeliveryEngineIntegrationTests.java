package tw.tongbao.adapters;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.adapters.resilience.AgencyControl;
import tw.tongbao.core.change.ChangeType;
import tw.tongbao.core.delivery.DeliveryStatus;
import tw.tongbao.core.envelope.ChangeFiled;
import tw.tongbao.core.messaging.Topology;
import tw.tongbao.core.report.DeliveryReported;

@ExtendWith(AdapterTestEnvironment.class)
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {
            "TONGBAO_REGISTRY=classpath:adapters-it-registry.yml",
            "tongbao.adapters.poll-interval=250ms",
            "tongbao.adapters.relay-poll-interval=250ms"
        })
@DirtiesContext
class DeliveryEngineIntegrationTests {

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
    AgencyControl control;

    @Autowired
    JsonMapper json;

    ReportsProbe reports;

    @BeforeAll
    static void agencies() {
        var agencies = AdapterTestEnvironment.AGENCIES;
        for (String code : List.of("HAPPY", "SUPER", "FAST")) {
            agencies.stubFor(post(path(code)).willReturn(aResponse().withStatus(202)));
        }
        agencies.stubFor(
                post(path("SLOW")).willReturn(aResponse().withStatus(200).withFixedDelay(5000)));
        agencies.stubFor(
                post(path("REJECT")).willReturn(aResponse().withStatus(400).withBody("bad address")));
        agencies.stubFor(post(path("GONE")).willReturn(aResponse().withStatus(410)));
        agencies.stubFor(post(path("FLAKY"))
                .inScenario("flaky")
                .whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(503))
                .willSetStateTo("once"));
        agencies.stubFor(post(path("FLAKY"))
                .inScenario("flaky")
                .whenScenarioStateIs("once")
                .willReturn(aResponse().withStatus(503))
                .willSetStateTo("recovered"));
        agencies.stubFor(post(path("FLAKY"))
                .inScenario("flaky")
                .whenScenarioStateIs("recovered")
                .willReturn(aResponse().withStatus(200)));
        agencies.stubFor(post(path("THROTTLE"))
                .inScenario("throttle")
                .whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1"))
                .willSetStateTo("open"));
        agencies.stubFor(post(path("THROTTLE"))
                .inScenario("throttle")
                .whenScenarioStateIs("open")
                .willReturn(aResponse().withStatus(200)));
        agencies.stubFor(
                post(path("ORDER")).willReturn(aResponse().withStatus(200).withFixedDelay(100)));
        agencies.stubFor(post(path("ORDER"))
                .atPriority(1)
                .withRequestBody(matchingJsonPath("$.data[?(@.sequence == 1)]"))
                .inScenario("order")
                .whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(503))
                .willSetStateTo("first failed"));
    }

    @org.junit.jupiter.api.BeforeEach
    void probe() {
        reports = new ReportsProbe(rabbit);
    }

    @Test
    void deliversOneChangeOnceAndReportsItDelivered() {
        ChangeFiled change = Filed.addressChange("one", 1, "HAPPY");

        publish(change, "HAPPY");

        UUID id = Filed.deliveryId(change, "HAPPY");
        DeliveryReported delivered = awaitReport(id, DeliveryStatus.DELIVERED);
        assertThat(delivered.attempts()).isEqualTo(1);
        assertThat(delivered.revision()).isEqualTo(1);
        assertThat(delivered.agency()).isEqualTo("HAPPY");
        assertThat(delivered.attempt().httpStatus()).isEqualTo(202);
        assertThat(requestsWithId("HAPPY", id)).hasSize(1);
        JsonNode event = json.readTree(requestsWithId("HAPPY", id).get(0).getBodyAsString());
        assertThat(event.get("id").asString()).isEqualTo(id.toString());
        assertThat(event.get("data").get("subjectRef").asString()).isEqualTo("ref-one-HAPPY");
        // The stored message is read back as UTF-8 bytes: Chinese text arrives as it was filed.
        assertThat(event.get("data").get("address").get("street").asString()).isEqualTo("羅斯福路四段");
    }

    @Test
    void sameMessageTwiceIsDeliveredOnce() {
        ChangeFiled change = Filed.addressChange("twice", 1, "HAPPY");
        ChangeFiled later = Filed.addressChange("twice-later", 1, "HAPPY");

        publish(change, "HAPPY");
        publish(change, "HAPPY");
        publish(later, "HAPPY");

        UUID id = Filed.deliveryId(change, "HAPPY");
        awaitReport(id, DeliveryStatus.DELIVERED);
        // The later message sits behind the duplicate in the queue, so once it is delivered the duplicate was read.
        awaitReport(Filed.deliveryId(later, "HAPPY"), DeliveryStatus.DELIVERED);
        assertThat(requestsWithId("HAPPY", id)).hasSize(1);
        assertThat(jdbc.sql("SELECT count(*) FROM adapter_delivery WHERE delivery_id = :id")
                        .param("id", id)
                        .query(Long.class)
                        .single())
                .isEqualTo(1L);
    }

    @Test
    void retriesServiceUnavailableUntilDelivered() {
        ChangeFiled change = Filed.addressChange("flaky", 1, "FLAKY");

        publish(change, "FLAKY");

        UUID id = Filed.deliveryId(change, "FLAKY");
        DeliveryReported delivered = awaitReport(id, DeliveryStatus.DELIVERED);
        assertThat(delivered.attempts()).isEqualTo(3);
        assertThat(delivered.revision()).isEqualTo(3);
        assertThat(requestsWithId("FLAKY", id)).hasSize(3);
        List<DeliveryReported> all = reports.of(id);
        assertThat(all).filteredOn(r -> r.status() == DeliveryStatus.RETRYING).hasSize(2);
        assertThat(all)
                .filteredOn(r -> r.status() == DeliveryStatus.RETRYING)
                .allSatisfy(r -> assertThat(r.nextAttemptAt()).isNotNull());
    }

    @Test
    void honoursRetryAfter() {
        ChangeFiled change = Filed.addressChange("throttled", 1, "THROTTLE");

        publish(change, "THROTTLE");

        UUID id = Filed.deliveryId(change, "THROTTLE");
        awaitReport(id, DeliveryStatus.DELIVERED);
        DeliveryReported retrying = reports.find(id, DeliveryStatus.RETRYING).orElseThrow();
        assertThat(Duration.between(retrying.occurredAt(), retrying.nextAttemptAt()))
                .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        List<LoggedRequest> requests = requestsWithId("THROTTLE", id);
        assertThat(requests).hasSize(2);
        long gap = requests.get(1).getLoggedDate().getTime()
                - requests.get(0).getLoggedDate().getTime();
        assertThat(gap).isGreaterThanOrEqualTo(950);
    }

    @Test
    void rejectionIsFinalAfterOneRequest() {
        ChangeFiled change = Filed.addressChange("rejected", 1, "REJECT");

        publish(change, "REJECT");

        UUID id = Filed.deliveryId(change, "REJECT");
        DeliveryReported rejected = awaitReport(id, DeliveryStatus.REJECTED);
        assertThat(rejected.reason()).contains("400");
        assertThat(rejected.attempts()).isEqualTo(1);
        assertThat(requestsWithId("REJECT", id)).hasSize(1);
        assertThat(status(id)).isEqualTo("REJECTED");
    }

    @Test
    void goneAgencyIsDisabledAndItsDeliveriesParked() {
        ChangeFiled first = Filed.change(ChangeType.ADDRESS_CHANGE, "gone", 1, "GONE");
        ChangeFiled waiting = Filed.change(ChangeType.NAME_CHANGE, "gone", 2, "GONE");

        publish(first, "GONE");
        publish(waiting, "GONE");

        DeliveryReported parked = awaitReport(Filed.deliveryId(first, "GONE"), DeliveryStatus.PARKED);
        assertThat(parked.reason()).isEqualTo("agency disabled (410)");
        assertThat(awaitReport(Filed.deliveryId(waiting, "GONE"), DeliveryStatus.PARKED)
                        .reason())
                .isEqualTo("agency disabled (410)");
        assertThat(control.state("GONE").disabled()).isTrue();

        ChangeFiled later = Filed.addressChange("gone-later", 1, "GONE");
        publish(later, "GONE");
        assertThat(awaitReport(Filed.deliveryId(later, "GONE"), DeliveryStatus.PARKED)
                        .reason())
                .isEqualTo("agency disabled (410)");
        assertThat(AdapterTestEnvironment.AGENCIES.findAll(postRequestedFor(path("GONE"))))
                .hasSize(1);
    }

    @Test
    void deliversOneSubjectsChangesInSequenceOrderEvenAcrossRetries() {
        ChangeFiled first = Filed.change(ChangeType.ADDRESS_CHANGE, "ordered", 1, "ORDER");
        ChangeFiled second = Filed.change(ChangeType.NAME_CHANGE, "ordered", 2, "ORDER");
        ChangeFiled third = Filed.change(ChangeType.CONTACT_CHANGE, "ordered", 3, "ORDER");

        // On one channel, as the gateway's relay publishes: the broker keeps order only within a channel.
        rabbit.invoke(operations -> {
            for (ChangeFiled change : List.of(first, second, third)) {
                operations.convertAndSend(Topology.CHANGES_EXCHANGE, "", change, message -> {
                    message.getMessageProperties().setHeader(Topology.addressedHeader("ORDER"), Topology.ADDRESSED);
                    return message;
                });
            }
            return null;
        });

        awaitReport(Filed.deliveryId(third, "ORDER"), DeliveryStatus.DELIVERED);
        assertThat(reports.find(Filed.deliveryId(first, "ORDER"), DeliveryStatus.DELIVERED))
                .isPresent();
        assertThat(reports.find(Filed.deliveryId(second, "ORDER"), DeliveryStatus.DELIVERED))
                .isPresent();
        List<Long> sequences = AdapterTestEnvironment.AGENCIES.findAll(postRequestedFor(path("ORDER"))).stream()
                .map(request -> json.readTree(request.getBodyAsString())
                        .get("data")
                        .get("sequence")
                        .asLong())
                .toList();
        assertThat(sequences).containsExactly(1L, 1L, 2L, 3L);
    }

    @Test
    void olderUnsentChangeOfTheSameTypeIsSuperseded() {
        control.pause("SUPER", "test");
        ChangeFiled older = Filed.addressChange("moved-twice", 1, "SUPER");
        ChangeFiled newer = Filed.addressChange("moved-twice", 2, "SUPER");
        try {
            publish(older, "SUPER");
            publish(newer, "SUPER");
            DeliveryReported superseded = awaitReport(Filed.deliveryId(older, "SUPER"), DeliveryStatus.SUPERSEDED);
            assertThat(superseded.reason()).contains("sequence 2");
        } finally {
            control.resume("SUPER");
        }

        UUID newerId = Filed.deliveryId(newer, "SUPER");
        awaitReport(newerId, DeliveryStatus.DELIVERED);
        assertThat(AdapterTestEnvironment.AGENCIES.findAll(postRequestedFor(path("SUPER"))))
                .extracting(request -> request.getHeader("webhook-id"))
                .containsExactly(newerId.toString());
    }

    @Test
    void callsInFlightAreNotBoundByCallThreads() {
        List<UUID> slow = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ChangeFiled change = Filed.addressChange("slow-in-flight-" + i, 1, "SLOW");
            publish(change, "SLOW");
            slow.add(Filed.deliveryId(change, "SLOW"));
        }

        // SLOW answers after 5 s and takes 4 calls at once; another test may still hold one of them.
        await().atMost(Duration.ofSeconds(4))
                .untilAsserted(() -> assertThat(slow.stream()
                                .filter(id -> !requestsWithId("SLOW", id).isEmpty())
                                .count())
                        .isGreaterThanOrEqualTo(3));
        assertThat(slow).allSatisfy(id -> assertThat(reports.of(id)).isEmpty());
        assertThat(Thread.getAllStackTraces().keySet().stream()
                        .filter(thread -> thread.getName().startsWith("call-SLOW-")))
                .hasSizeLessThanOrEqualTo(Math.max(2, Runtime.getRuntime().availableProcessors()));
        // Frees SLOW's calls for the other tests.
        slow.forEach(id -> awaitReport(id, DeliveryStatus.DELIVERED));
    }

    @Test
    void slowAgencyDoesNotDelayAnother() {
        ChangeFiled change = Filed.addressChange("slow-and-fast", 1, "SLOW", "FAST");

        publish(change, "SLOW", "FAST");

        UUID slow = Filed.deliveryId(change, "SLOW");
        await().atMost(Duration.ofSeconds(2))
                .untilAsserted(
                        () -> assertThat(reports.find(Filed.deliveryId(change, "FAST"), DeliveryStatus.DELIVERED))
                                .isPresent());
        assertThat(requestsWithId("SLOW", slow)).hasSize(1);
        assertThat(reports.of(slow)).isEmpty();
        assertThat(status(slow)).isEqualTo("PENDING");
    }

    @Test
    void poisonMessageIsSetAsideAndTheNextOneDelivered() {
        MessageProperties properties = new MessageProperties();
        properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        properties.setHeader(Topology.addressedHeader("HAPPY"), Topology.ADDRESSED);
        rabbit.send(
                Topology.CHANGES_EXCHANGE,
                "",
                new Message("{\"receipt\": oops".getBytes(StandardCharsets.UTF_8), properties));
        ChangeFiled good = Filed.addressChange("after-poison", 1, "HAPPY");

        publish(good, "HAPPY");

        awaitReport(Filed.deliveryId(good, "HAPPY"), DeliveryStatus.DELIVERED);
        List<String> reasons = jdbc.sql("SELECT reason FROM poison_message WHERE queue = :queue")
                .param("queue", Topology.agencyQueue("HAPPY"))
                .query(String.class)
                .list();
        assertThat(reasons).anySatisfy(reason -> assertThat(reason).contains("unparseable"));
    }

    @Test
    void messageTheDatabaseRefusesIsSetAsideAndTheRestOfItsBatchDelivered() {
        // Jackson reads an overlong UTF-8 encoding (C0 80) as U+0000; PostgreSQL refuses it as text.
        ChangeFiled refused = Filed.addressChange("bad-bytes", 1, "HAPPY");
        byte[] filer = "王小明".getBytes(StandardCharsets.UTF_8);
        byte[] body = json.writeValueAsBytes(refused);
        int at = indexOf(body, filer);
        assertThat(at).isNotNegative();
        body[at + 3] = (byte) 0xC0;
        body[at + 4] = (byte) 0x80;
        body[at + 5] = 'x';
        MessageProperties properties = new MessageProperties();
        properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        properties.setHeader(Topology.addressedHeader("HAPPY"), Topology.ADDRESSED);
        ChangeFiled good = Filed.addressChange("after-bad-bytes", 1, "HAPPY");

        rabbit.send(Topology.CHANGES_EXCHANGE, "", new Message(body, properties));
        publish(good, "HAPPY");

        awaitReport(Filed.deliveryId(good, "HAPPY"), DeliveryStatus.DELIVERED);
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(jdbc.sql("SELECT reason FROM poison_message WHERE queue = :queue")
                                .param("queue", Topology.agencyQueue("HAPPY"))
                                .query(String.class)
                                .list())
                        .anySatisfy(reason -> assertThat(reason).startsWith("could not be stored")));
        assertThat(jdbc.sql("SELECT count(*) FROM adapter_delivery WHERE delivery_id = :id")
                        .param("id", Filed.deliveryId(refused, "HAPPY"))
                        .query(Long.class)
                        .single())
                .isZero();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (java.util.Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void changeNotAddressedToTheQueuesAgencyIsPoison() {
        ChangeFiled elsewhere = Filed.addressChange("misrouted", 1, "FAST");
        rabbit.convertAndSend(Topology.CHANGES_EXCHANGE, "", elsewhere, message -> {
            message.getMessageProperties().setHeader(Topology.addressedHeader("HAPPY"), Topology.ADDRESSED);
            return message;
        });

        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(jdbc.sql("SELECT reason FROM poison_message")
                                .query(String.class)
                                .list())
                        .contains("no addressee entry for agency HAPPY"));
    }

    private void publish(ChangeFiled change, String... agencies) {
        rabbit.convertAndSend(Topology.CHANGES_EXCHANGE, "", change, message -> {
            for (String agency : agencies) {
                message.getMessageProperties().setHeader(Topology.addressedHeader(agency), Topology.ADDRESSED);
            }
            return message;
        });
    }

    private DeliveryReported awaitReport(UUID deliveryId, DeliveryStatus status) {
        return await().atMost(WAIT)
                .until(() -> reports.find(deliveryId, status), java.util.Optional::isPresent)
                .orElseThrow();
    }

    private List<LoggedRequest> requestsWithId(String agency, UUID deliveryId) {
        return AdapterTestEnvironment.AGENCIES.findAll(postRequestedFor(path(agency))).stream()
                .filter(request -> deliveryId.toString().equals(request.getHeader("webhook-id")))
                .toList();
    }

    private String status(UUID deliveryId) {
        return jdbc.sql("SELECT status FROM adapter_delivery WHERE delivery_id = :id")
                .param("id", deliveryId)
                .query(String.class)
                .single();
    }

    private static com.github.tomakehurst.wiremock.matching.UrlPattern path(String agency) {
        return urlEqualTo("/agencies/" + agency);
    }
}
