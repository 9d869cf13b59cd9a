package tw.tongbao.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.support.converter.JacksonJsonMessageConverter;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.core.agency.AgencyCode;
import tw.tongbao.core.agency.AgencyRegistry;
import tw.tongbao.core.delivery.DeliveryStatus;
import tw.tongbao.core.messaging.Topology;
import tw.tongbao.core.report.DeliveryReported;
import tw.tongbao.core.signature.WebhookSecret;
import tw.tongbao.core.signature.WebhookSignature;
import tw.tongbao.core.testing.TestDatabase;
import tw.tongbao.core.testing.TestVhost;
import tw.tongbao.gateway.ReleasedAfterContext.Release;
import tw.tongbao.gateway.citizen.Changes;

/** Agencies acknowledging their deliveries, against real PostgreSQL and RabbitMQ (CONTRACT §5). */
@ExtendWith(ReleasedAfterContext.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class AcknowledgementIntegrationTests {

    @Release(order = 3)
    static final TestDatabase database = TestDatabase.create("gwack");

    @Release(order = 2)
    static final TestVhost vhost = TestVhost.create("gwack");

    static final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Release(order = 1)
    static CachingConnectionFactory connection;

    static RabbitTemplate rabbit;

    @Autowired
    JsonMapper json;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    AgencyRegistry registry;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry properties) {
        properties.add("spring.datasource.url", database::jdbcUrl);
        properties.add("spring.datasource.username", database::username);
        properties.add("spring.datasource.password", database::password);
        properties.add("spring.rabbitmq.host", vhost::host);
        properties.add("spring.rabbitmq.port", vhost::port);
        properties.add("spring.rabbitmq.virtual-host", vhost::name);
        properties.add("spring.rabbitmq.username", vhost::username);
        properties.add("spring.rabbitmq.password", vhost::password);
        properties.add("tongbao.outbox.poll-interval", () -> "200ms");
    }

    @BeforeAll
    static void connect() {
        connection = new CachingConnectionFactory(vhost.host(), vhost.port());
        connection.setVirtualHost(vhost.name());
        connection.setUsername(vhost.username());
        connection.setPassword(vhost.password());
        rabbit = new RabbitTemplate(connection);
        rabbit.setMessageConverter(
                new JacksonJsonMessageConverter(JsonMapper.builder().build(), "tw.tongbao.core.*"));
    }

    @Test
    void appliesASignedAcknowledgementOfADeliveredDelivery() {
        Filed filed = fileAndDeliver("NTA");

        HttpResponse<String> answer = acknowledge("NTA", "ack-" + UUID.randomUUID(), applied(filed.delivery()));

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode body = json.readTree(answer.body());
        assertThat(body.get("deliveryId").stringValue())
                .isEqualTo(filed.delivery().toString());
        assertThat(body.get("status").stringValue()).isEqualTo("APPLIED");
        JsonNode delivery = deliveryAsCitizenSees(filed, "NTA");
        assertThat(delivery.get("status").stringValue()).isEqualTo("APPLIED");
        assertThat(delivery.get("timeline").values())
                .extracting(t -> t.get("status").stringValue())
                .containsExactly("PENDING", "DELIVERED", "APPLIED");
        MetricCounts.assertExact(jdbc);
    }

    @Test
    void recordsARejectionWithItsReason() {
        Filed filed = fileAndDeliver("NHIA");
        String body = "{\"deliveryId\":\"" + filed.delivery() + "\",\"outcome\":\"REJECTED\",\"reason\":\"查無此投保人\"}";

        HttpResponse<String> answer = acknowledge("NHIA", "ack-" + UUID.randomUUID(), body);

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode delivery = deliveryAsCitizenSees(filed, "NHIA");
        assertThat(delivery.get("status").stringValue()).isEqualTo("REJECTED");
        assertThat(delivery.get("reason").stringValue()).isEqualTo("查無此投保人");
        MetricCounts.assertExact(jdbc);
    }

    @Test
    void refusesAForgedSignatureAndChangesNothing() {
        Filed filed = fileAndDeliver("NTA");
        String body = applied(filed.delivery());
        long now = Instant.now().getEpochSecond();
        String forged = WebhookSignature.sign(
                WebhookSecret.parse("whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32])),
                "ack-forged",
                now,
                body.getBytes(StandardCharsets.UTF_8));

        HttpResponse<String> answer = send("NTA", "ack-forged", Long.toString(now), forged, body);

        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(answer.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(status(filed.delivery())).isEqualTo("DELIVERED");
        assertThat(timelineLength(filed.delivery())).isEqualTo(2);
    }

    @Test
    void forbidsAcknowledgingAnotherAgencysDelivery() {
        Filed filed = fileAndDeliver("NTA");

        HttpResponse<String> answer = acknowledge("NHIA", "ack-" + UUID.randomUUID(), applied(filed.delivery()));

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(403);
        assertThat(status(filed.delivery())).isEqualTo("DELIVERED");
        assertThat(timelineLength(filed.delivery())).isEqualTo(2);
    }

    @Test
    void refusesAStaleTimestamp() {
        Filed filed = fileAndDeliver("NTA");
        String body = applied(filed.delivery());
        long stale = Instant.now().minusSeconds(6 * 60).getEpochSecond();

        HttpResponse<String> answer =
                send("NTA", "ack-stale", Long.toString(stale), sign("NTA", "ack-stale", stale, body), body);

        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(status(filed.delivery())).isEqualTo("DELIVERED");
    }

    @Test
    void answersAReplayedWebhookIdAsBeforeAndChangesNothing() {
        Filed filed = fileAndDeliver("NTA");
        String id = "ack-" + UUID.randomUUID();
        HttpResponse<String> first = acknowledge("NTA", id, applied(filed.delivery()));
        String rejection = "{\"deliveryId\":\"" + filed.delivery() + "\",\"outcome\":\"REJECTED\",\"reason\":\"x\"}";

        HttpResponse<String> replay = acknowledge("NTA", id, applied(filed.delivery()));
        HttpResponse<String> replayWithOtherBody = acknowledge("NTA", id, rejection);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(replay.statusCode()).isEqualTo(200);
        assertThat(replay.body()).isEqualTo(first.body());
        assertThat(replayWithOtherBody.body()).isEqualTo(first.body());
        assertThat(status(filed.delivery())).isEqualTo("APPLIED");
        assertThat(timelineLength(filed.delivery())).isEqualTo(3);
    }

    @Test
    void asksToRetryLaterWhileTheDeliveryIsNotDeliveredYet() {
        Filed filed = file("NTA");
        String id = "ack-" + UUID.randomUUID();

        HttpResponse<String> early = acknowledge("NTA", id, applied(filed.delivery()));

        assertThat(early.statusCode()).isEqualTo(409);
        assertThat(early.headers().firstValue("Retry-After")).isPresent();
        assertThat(json.readTree(early.body()).get("detail").stringValue()).contains("again later");
        assertThat(status(filed.delivery())).isEqualTo("PENDING");

        report(filed.delivery(), "NTA", DeliveryStatus.DELIVERED, 1);
        await().until(() -> status(filed.delivery()).equals("DELIVERED"));
        HttpResponse<String> later = acknowledge("NTA", id, applied(filed.delivery()));

        assertThat(later.statusCode()).as(later.body()).isEqualTo(200);
        assertThat(status(filed.delivery())).isEqualTo("APPLIED");
    }

    @Test
    void keepsAnAppliedDeliveryWhenLateAdapterReportsArrive() {
        Filed filed = fileAndDeliver("NTA");
        acknowledge("NTA", "ack-" + UUID.randomUUID(), applied(filed.delivery()));

        report(filed.delivery(), "NTA", DeliveryStatus.DELIVERED, 1);
        report(filed.delivery(), "NTA", DeliveryStatus.RETRYING, 2);
        // A later report for another delivery on the same queue: once it shows, the ones before it were handled.
        Filed other = file("NTA");
        report(other.delivery(), "NTA", DeliveryStatus.DELIVERED, 1);
        await().until(() -> status(other.delivery()).equals("DELIVERED"));

        assertThat(status(filed.delivery())).isEqualTo("APPLIED");
        assertThat(timelineLength(filed.delivery())).isEqualTo(3);
    }

    @Test
    void placesTheAcknowledgementBeforeAReplayWhoseReportsArriveOutOfOrder() {
        Filed filed = fileAndDeliver("NTA");
        acknowledge("NTA", "ack-" + UUID.randomUUID(), applied(filed.delivery()));

        // An operator replays it (r2) and the agency has it again (r3); r3 reaches the gateway first.
        report(filed.delivery(), "NTA", DeliveryStatus.DELIVERED, 3);
        await().until(() -> status(filed.delivery()).equals("DELIVERED"));
        report(filed.delivery(), "NTA", DeliveryStatus.PENDING, 2);
        await().until(() -> timelineLength(filed.delivery()) == 5);

        assertThat(status(filed.delivery())).isEqualTo("DELIVERED");
        assertThat(jdbc.queryForList(
                        "select status from delivery_timeline where delivery_id = ? order by revision, id",
                        String.class,
                        filed.delivery()))
                .containsExactly("PENDING", "DELIVERED", "APPLIED", "PENDING", "DELIVERED");
    }

    @Test
    void answersUnknownDeliveriesAndInvalidBodiesWithProblems() {
        assertThat(acknowledge("NTA", "ack-" + UUID.randomUUID(), applied(UUID.randomUUID()))
                        .statusCode())
                .isEqualTo(404);
        HttpResponse<String> invalid =
                acknowledge("NTA", "ack-" + UUID.randomUUID(), "{\"deliveryId\":\"x\",\"outcome\":\"REJECTED\"}");
        assertThat(invalid.statusCode()).isEqualTo(422);
        assertThat(json.readTree(invalid.body()).get("errors").values())
                .extracting(e -> e.get("field").stringValue())
                .containsExactlyInAnyOrder("deliveryId", "reason");
        assertThat(acknowledge("NTA", "ack-" + UUID.randomUUID(), "not json").statusCode())
                .isEqualTo(400);
        assertThat(acknowledge("XYZ", "ack-" + UUID.randomUUID(), applied(UUID.randomUUID()))
                        .statusCode())
                .isEqualTo(401);
    }

    /** A filed change and the delivery to one agency. */
    record Filed(String citizen, String receipt, UUID delivery) {}

    private Filed file(String agency) {
        String citizen = NationalIds.random();
        String soon = LocalDate.now(ZoneId.of("Asia/Taipei")).plusDays(5).toString();
        HttpResponse<String> response = citizenRequest(
                citizen,
                HttpRequest.newBuilder(uri("/api/v1/changes"))
                        .header("Content-Type", "application/json")
                        .header("Idempotency-Key", UUID.randomUUID().toString())
                        .POST(HttpRequest.BodyPublishers.ofString(
                                json.writeValueAsString(Changes.addressChange(citizen, soon)))));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        String receipt = json.readTree(response.body()).get("receipt").stringValue();
        UUID delivery = jdbc.queryForObject(
                "select d.id from delivery d join change c on c.id = d.change_id where c.receipt = ? and d.agency = ?",
                UUID.class,
                receipt,
                agency);
        return new Filed(citizen, receipt, delivery);
    }

    private Filed fileAndDeliver(String agency) {
        Filed filed = file(agency);
        report(filed.delivery(), agency, DeliveryStatus.DELIVERED, 1);
        await().until(() -> status(filed.delivery()).equals("DELIVERED"));
        return filed;
    }

    private static void report(UUID delivery, String agency, DeliveryStatus status, long revision) {
        rabbit.convertAndSend(
                Topology.REPORTS_EXCHANGE,
                Topology.REPORTS_ROUTING_KEY,
                new DeliveryReported(delivery, agency, status, revision, 1, Instant.now(), null, null, null));
    }

    private JsonNode deliveryAsCitizenSees(Filed filed, String agency) {
        HttpResponse<String> response = citizenRequest(
                filed.citizen(),
                HttpRequest.newBuilder(uri("/api/v1/changes/" + filed.receipt()))
                        .GET());
        assertThat(response.statusCode()).isEqualTo(200);
        return json.readTree(response.body()).get("deliveries").values().stream()
                .filter(d -> d.get("agency").stringValue().equals(agency))
                .findFirst()
                .orElseThrow();
    }

    private HttpResponse<String> acknowledge(String agency, String id, String body) {
        long now = Instant.now().getEpochSecond();
        return send(agency, id, Long.toString(now), sign(agency, id, now, body), body);
    }

    private String sign(String agency, String id, long timestamp, String body) {
        List<WebhookSecret> secrets = registry.find(new AgencyCode(agency))
                .map(a -> a.secrets().stream().map(WebhookSecret::parse).toList())
                .orElse(List.of(WebhookSecret.parse(
                        "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[24]))));
        return WebhookSignature.sign(secrets, id, timestamp, body.getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> send(String agency, String id, String timestamp, String signature, String body) {
        try {
            HttpRequest request = HttpRequest.newBuilder(uri("/api/v1/agency/acknowledgements"))
                    .header("Content-Type", "application/json")
                    .header("tongbao-agency", agency)
                    .header(WebhookSignature.ID_HEADER, id)
                    .header(WebhookSignature.TIMESTAMP_HEADER, timestamp)
                    .header(WebhookSignature.SIGNATURE_HEADER, signature)
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build();
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> citizenRequest(String citizen, HttpRequest.Builder request) {
        try {
            return http.send(
                    request.header("Authorization", TestTokens.bearer(TestTokens.citizen(citizen)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String status(UUID delivery) {
        return jdbc.queryForObject("select status from delivery where id = ?", String.class, delivery);
    }

    private int timelineLength(UUID delivery) {
        return jdbc.queryForObject(
                "select count(*) from delivery_timeline where delivery_id = ?", Integer.class, delivery);
    }

    private static String applied(UUID delivery) {
        return json().writeValueAsString(Map.of("deliveryId", delivery.toString(), "outcome", "APPLIED"));
    }

    private static JsonMapper json() {
        return JsonMapper.builder().build();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
