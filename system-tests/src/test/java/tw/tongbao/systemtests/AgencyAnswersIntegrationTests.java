package tw.tongbao.systemtests;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConnectionFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.core.messaging.Topology;
import tw.tongbao.systemtests.support.ChangeRequests;
import tw.tongbao.systemtests.support.Citizen;
import tw.tongbao.systemtests.support.NationalIds;
import tw.tongbao.systemtests.support.Received;
import tw.tongbao.systemtests.support.TongbaoSystem;

/** How agencies' answers are read: retries, Retry-After, rejections, a gone agency, a slow one, poison, order. */
class AgencyAnswersIntegrationTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static TongbaoSystem tongbao;

    @BeforeAll
    static void start() {
        tongbao = TongbaoSystem.withAgencies("NTA", "NHIA", "TPC", "POST")
                .named("answers")
                .retrySchedule("0s", "300ms", "600ms", "1s", "1s", "1s")
                .start();
    }

    @AfterAll
    static void stop() {
        tongbao.close();
    }

    @BeforeEach
    void agenciesAnswer200() {
        for (String code : List.of("NTA", "NHIA", "TPC", "POST")) {
            WireMockServer agency = tongbao.agency(code);
            agency.resetAll();
            agency.stubFor(
                    post(urlEqualTo("/notifications")).willReturn(aResponse().withStatus(200)));
        }
    }

    @Test
    void retriesAnAgencyAnswering503UntilItAnswers200UnderOneWebhookId() {
        WireMockServer nta = tongbao.agency("NTA");
        nta.stubFor(post(urlEqualTo("/notifications"))
                .inScenario("flaky")
                .whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(503))
                .willSetStateTo("second"));
        nta.stubFor(post(urlEqualTo("/notifications"))
                .inScenario("flaky")
                .whenScenarioStateIs("second")
                .willReturn(aResponse().withStatus(503))
                .willSetStateTo("recovered"));
        nta.stubFor(post(urlEqualTo("/notifications"))
                .inScenario("flaky")
                .whenScenarioStateIs("recovered")
                .willReturn(aResponse().withStatus(200)));
        Filed filed = fileAddressChange();

        await().atMost(Duration.ofSeconds(30))
                .until(() -> filed.citizen.deliveryStatus(filed.receipt, "NTA").equals("DELIVERED"));

        List<Received> received = Received.by(nta);
        assertThat(received).hasSize(3);
        assertThat(received)
                .extracting(Received::webhookId)
                .containsOnly(received.get(0).webhookId());
        assertThat(delivery(filed, "NTA").get("attempts").asInt()).isEqualTo(3);
    }

    @Test
    void honoursRetryAfterOn429() {
        WireMockServer nhia = tongbao.agency("NHIA");
        nhia.stubFor(post(urlEqualTo("/notifications"))
                .inScenario("busy")
                .whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "2"))
                .willSetStateTo("calm"));
        nhia.stubFor(post(urlEqualTo("/notifications"))
                .inScenario("busy")
                .whenScenarioStateIs("calm")
                .willReturn(aResponse().withStatus(200)));
        Filed filed = fileAddressChange();

        await().atMost(Duration.ofSeconds(30))
                .until(() -> filed.citizen.deliveryStatus(filed.receipt, "NHIA").equals("DELIVERED"));

        List<Received> received = Received.by(nhia);
        assertThat(received).hasSize(2);
        Duration gap = Duration.between(
                received.get(0).request().getLoggedDate().toInstant(),
                received.get(1).request().getLoggedDate().toInstant());
        assertThat(gap).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
    }

    @Test
    void aSlowAgencyDoesNotDelayTheOthers() {
        tongbao.agency("TPC")
                .stubFor(post(urlEqualTo("/notifications"))
                        .willReturn(aResponse().withStatus(200).withFixedDelay(5000)));
        Filed filed = fileAddressChange("TPC");

        await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
            assertThat(filed.citizen.deliveryStatus(filed.receipt, "NTA")).isEqualTo("DELIVERED");
            assertThat(filed.citizen.deliveryStatus(filed.receipt, "NHIA")).isEqualTo("DELIVERED");
        });
        assertThat(filed.citizen.deliveryStatus(filed.receipt, "TPC")).isEqualTo("PENDING");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> filed.citizen.deliveryStatus(filed.receipt, "TPC").equals("DELIVERED"));
    }

    @Test
    void rejectsOn400And422OnceWithoutRetrying() {
        tongbao.agency("NTA")
                .stubFor(post(urlEqualTo("/notifications"))
                        .willReturn(aResponse().withStatus(422).withBody("地址格式錯誤")));
        tongbao.agency("NHIA")
                .stubFor(post(urlEqualTo("/notifications"))
                        .willReturn(aResponse().withStatus(400).withBody("bad request")));
        Filed filed = fileAddressChange();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(filed.citizen.deliveryStatus(filed.receipt, "NTA")).isEqualTo("REJECTED");
            assertThat(filed.citizen.deliveryStatus(filed.receipt, "NHIA")).isEqualTo("REJECTED");
        });
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).untilAsserted(() -> {
            assertThat(Received.by(tongbao.agency("NTA"))).hasSize(1);
            assertThat(Received.by(tongbao.agency("NHIA"))).hasSize(1);
        });
        assertThat(filed.citizen.change(filed.receipt).get("status").asString()).isEqualTo("NEEDS_ATTENTION");
    }

    @Test
    void parksDeliveriesOfAnAgencyThatAnswers410() {
        tongbao.agency("POST")
                .stubFor(post(urlEqualTo("/notifications"))
                        .willReturn(aResponse().withStatus(410)));
        Filed first = fileAddressChange("POST");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> first.citizen.deliveryStatus(first.receipt, "POST").equals("PARKED"));

        Filed second = fileAddressChange("POST");

        await().atMost(Duration.ofSeconds(20))
                .until(() ->
                        second.citizen.deliveryStatus(second.receipt, "POST").equals("PARKED"));
        assertThat(Received.by(tongbao.agency("POST"))).hasSize(1);
        await().atMost(Duration.ofSeconds(20))
                .until(() ->
                        second.citizen.deliveryStatus(second.receipt, "NTA").equals("DELIVERED"));
    }

    @Test
    void threeQuickChangesForOneSubjectArriveInOrderOrTheOlderAreSuperseded() {
        tongbao.agency("NTA")
                .stubFor(post(urlEqualTo("/notifications"))
                        .willReturn(aResponse().withStatus(200).withFixedDelay(300)));
        String subject = NationalIds.random();
        Citizen citizen = tongbao.citizen(subject, "周杰");
        List<String> receipts = List.of("1號", "2號", "3號").stream()
                .map(number -> citizen.fileAccepted(
                        ChangeRequests.addressChangeAt(subject, number),
                        UUID.randomUUID().toString()))
                .toList();

        await().atMost(Duration.ofSeconds(30))
                .until(() -> receipts.stream()
                        .map(receipt -> citizen.deliveryStatus(receipt, "NTA"))
                        .allMatch(status -> status.equals("DELIVERED") || status.equals("SUPERSEDED")));

        assertThat(citizen.deliveryStatus(receipts.get(2), "NTA")).isEqualTo("DELIVERED");
        List<Received> received = Received.by(tongbao.agency("NTA"));
        assertThat(received).extracting(r -> r.data().get("sequence").asLong()).isSorted();
        assertThat(received.get(received.size() - 1)
                        .data()
                        .get("address")
                        .get("number")
                        .asString())
                .isEqualTo("3號");
        for (String receipt : receipts) {
            boolean arrived = received.stream().anyMatch(r -> r.receipt().equals(receipt));
            assertThat(arrived).isEqualTo(citizen.deliveryStatus(receipt, "NTA").equals("DELIVERED"));
        }
    }

    @Test
    void parksAPoisonMessageAndKeepsTheQueueFlowing() throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(tongbao.vhost().host());
        factory.setPort(tongbao.vhost().port());
        factory.setVirtualHost(tongbao.vhost().name());
        factory.setUsername(tongbao.vhost().username());
        factory.setPassword(tongbao.vhost().password());
        try (var connection = factory.newConnection();
                Channel channel = connection.createChannel()) {
            channel.confirmSelect();
            AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                    .contentType("application/json")
                    .deliveryMode(2)
                    .headers(Map.of(Topology.addressedHeader("NTA"), Topology.ADDRESSED))
                    .build();
            channel.basicPublish(
                    Topology.CHANGES_EXCHANGE, "", properties, "{not json".getBytes(StandardCharsets.UTF_8));
            channel.waitForConfirmsOrDie(5000);
        }

        Filed filed = fileAddressChange();

        await().atMost(Duration.ofSeconds(20))
                .until(() -> filed.citizen.deliveryStatus(filed.receipt, "NTA").equals("DELIVERED"));
        await().atMost(Duration.ofSeconds(20)).until(() -> messagesIn(Topology.agencyQueue("NTA")) == 0);
        assertThat(Received.by(tongbao.agency("NTA"))).hasSize(1);
    }

    @Test
    void duplicateAndOutOfOrderReportsLeaveStatusesCorrect() throws Exception {
        Filed filed = fileAddressChange();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> filed.citizen.deliveryStatus(filed.receipt, "NTA").equals("DELIVERED"));
        String deliveryId = Received.by(tongbao.agency("NTA")).get(0).webhookId();
        int timeline = delivery(filed, "NTA").get("timeline").size();

        // A duplicate, one of the same revision, the next revision with a move no history allows (DELIVERED ->
        // RETRYING), and an old one. (A revision further on would apply: it says reports are still on their way.)
        publishReport(deliveryId, "DELIVERED", 1);
        publishReport(deliveryId, "PENDING", 1);
        publishReport(deliveryId, "RETRYING", 2);
        publishReport(deliveryId, "PARKED", 0);
        Filed marker = fileAddressChange();
        await().atMost(Duration.ofSeconds(20))
                .until(() ->
                        marker.citizen.deliveryStatus(marker.receipt, "NTA").equals("DELIVERED"));

        JsonNode delivery = delivery(filed, "NTA");
        assertThat(delivery.get("status").asString()).isEqualTo("DELIVERED");
        assertThat(delivery.get("timeline").size()).isEqualTo(timeline);
    }

    private record Filed(Citizen citizen, String receipt) {}

    private static Filed fileAddressChange(String... notify) {
        String subject = NationalIds.random();
        Citizen citizen = tongbao.citizen(subject, "黃美玲");
        return new Filed(
                citizen,
                citizen.fileAccepted(
                        ChangeRequests.addressChange(subject, notify),
                        UUID.randomUUID().toString()));
    }

    private static JsonNode delivery(Filed filed, String agency) {
        for (JsonNode delivery : filed.citizen.change(filed.receipt).get("deliveries")) {
            if (delivery.get("agency").asString().equals(agency)) {
                return delivery;
            }
        }
        throw new AssertionError("no delivery to " + agency);
    }

    private static void publishReport(String deliveryId, String status, long revision) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(tongbao.vhost().host());
        factory.setPort(tongbao.vhost().port());
        factory.setVirtualHost(tongbao.vhost().name());
        factory.setUsername(tongbao.vhost().username());
        factory.setPassword(tongbao.vhost().password());
        Map<String, Object> report = Map.of(
                "deliveryId",
                deliveryId,
                "agency",
                "NTA",
                "status",
                status,
                "revision",
                revision,
                "attempts",
                1,
                "occurredAt",
                Instant.now().toString());
        try (var connection = factory.newConnection();
                Channel channel = connection.createChannel()) {
            channel.confirmSelect();
            AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                    .contentType("application/json")
                    .deliveryMode(2)
                    .headers(Map.of("__TypeId__", "tw.tongbao.core.report.DeliveryReported"))
                    .build();
            channel.basicPublish(
                    Topology.REPORTS_EXCHANGE,
                    Topology.REPORTS_ROUTING_KEY,
                    properties,
                    JSON.writeValueAsBytes(report));
            channel.waitForConfirmsOrDie(5000);
        }
    }

    private static int messagesIn(String queue) throws Exception {
        String auth = Base64.getEncoder()
                .encodeToString(
                        (tongbao.vhost().username() + ":" + tongbao.vhost().password())
                                .getBytes(StandardCharsets.UTF_8));
        URI uri = URI.create("http://127.0.0.1:15672/api/queues/"
                + java.net.URLEncoder.encode(tongbao.vhost().name(), StandardCharsets.UTF_8) + "/" + queue);
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(uri)
                                .header("Authorization", "Basic " + auth)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        JsonNode node = JSON.readTree(response.body());
        return node.path("messages").asInt(-1);
    }
}
