package tw.tongbao.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
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
import tw.tongbao.core.control.AgencyAlert;
import tw.tongbao.core.control.AgencyHealth;
import tw.tongbao.core.messaging.Topology;
import tw.tongbao.core.testing.TestDatabase;
import tw.tongbao.core.testing.TestVhost;
import tw.tongbao.gateway.ReleasedAfterContext.Release;
import tw.tongbao.gateway.citizen.Changes;

/**
 * The operator API against real PostgreSQL and RabbitMQ: who may do what, commands on {@code tongbao.control}, the
 * hash-chained audit log (and a tampered row found), health snapshots and alerts, Prometheus series.
 */
@ExtendWith(ReleasedAfterContext.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatorApiIntegrationTests {

    @Release(order = 3)
    static final TestDatabase database = TestDatabase.create("ops");

    @Release(order = 2)
    static final TestVhost vhost = TestVhost.create("ops");

    static final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final String OPERATOR = TestTokens.staff("OP0001", "OPERATOR");
    static final String AUDITOR = TestTokens.staff("AU0001", "AUDITOR");

    @Release(order = 1)
    static CachingConnectionFactory directConnection;

    static RabbitTemplate rabbit;
    static String commandQueue;

    @Autowired
    JsonMapper json;

    @Autowired
    JdbcTemplate jdbc;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        TestServices.register(registry, database, vhost);
        registry.add("tongbao.outbox.poll-interval", () -> "200ms");
    }

    @BeforeAll
    static void listenToCommands() {
        directConnection = new CachingConnectionFactory(vhost.host(), vhost.port());
        directConnection.setVirtualHost(vhost.name());
        directConnection.setUsername(vhost.username());
        directConnection.setPassword(vhost.password());
        rabbit = new RabbitTemplate(directConnection);
        rabbit.setMessageConverter(
                new JacksonJsonMessageConverter(JsonMapper.builder().build(), "tw.tongbao.core.*"));
        RabbitAdmin admin = new RabbitAdmin(directConnection);
        admin.declareExchange(new org.springframework.amqp.core.TopicExchange(Topology.CONTROL_EXCHANGE, true, false));
        commandQueue = "ops-test-commands-" + UUID.randomUUID();
        admin.declareQueue(new Queue(commandQueue, false));
        admin.declareBinding(
                new Binding(commandQueue, Binding.DestinationType.QUEUE, Topology.CONTROL_EXCHANGE, "command.#", null));
    }

    @Test
    @Order(1)
    void citizensMayNotUseTheOperatorApiAndAuditorsOnlyRead() {
        String citizen = TestTokens.citizen(NationalIds.random());
        UUID id = UUID.randomUUID();
        List<String> reads = List.of(
                "/api/v1/ops/agencies",
                "/api/v1/ops/agencies/NTA/history",
                "/api/v1/ops/deliveries",
                "/api/v1/ops/alerts",
                "/api/v1/ops/audit",
                "/api/v1/ops/audit/verify");
        List<String> actions = List.of(
                "/api/v1/ops/deliveries/" + id + "/retry",
                "/api/v1/ops/deliveries/" + id + "/cancel",
                "/api/v1/ops/deliveries/retry",
                "/api/v1/ops/agencies/NTA/pause",
                "/api/v1/ops/agencies/NTA/resume",
                "/api/v1/ops/agencies/NTA/enable",
                "/api/v1/ops/agencies/NTA/replay");
        for (String path : reads) {
            assertThat(get(citizen, path).statusCode())
                    .as("citizen GET " + path)
                    .isEqualTo(403);
            assertThat(get(AUDITOR, path).statusCode())
                    .as("auditor GET " + path)
                    .isEqualTo(200);
            assertThat(get(OPERATOR, path).statusCode())
                    .as("operator GET " + path)
                    .isEqualTo(200);
        }
        for (String path : actions) {
            assertThat(post(citizen, path, "{\"reason\":\"x\"}").statusCode())
                    .as("citizen POST " + path)
                    .isEqualTo(403);
            HttpResponse<String> auditor = post(AUDITOR, path, "{\"reason\":\"x\"}");
            assertThat(auditor.statusCode()).as("auditor POST " + path).isEqualTo(403);
            assertThat(auditor.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        }
        assertThat(post(OPERATOR, "/api/v1/ops/agencies/NTA/pause", "").statusCode())
                .isEqualTo(202);
        assertThat(awaitCommand(Topology.AGENCY_COMMAND_ROUTING_KEY, "NTA")
                        .get("reason")
                        .isNull())
                .isTrue();
    }

    @Test
    @Order(2)
    void sendsAgencyCommandsToTheControlExchangeAndAuditsThem() throws Exception {
        HttpResponse<String> answer = post(OPERATOR, "/api/v1/ops/agencies/nhia/pause", "{\"reason\":\"maintenance\"}");

        assertThat(answer.statusCode()).isEqualTo(202);
        JsonNode command = awaitCommand(Topology.AGENCY_COMMAND_ROUTING_KEY, "NHIA");
        assertThat(command.get("action").stringValue()).isEqualTo("PAUSE");
        assertThat(command.get("actor").stringValue()).isEqualTo("OP0001");
        assertThat(command.get("reason").stringValue()).isEqualTo("maintenance");
        JsonNode audit = json.readTree(get(AUDITOR, "/api/v1/ops/audit").body());
        JsonNode newest = audit.get("items").get(0);
        assertThat(newest.get("action").stringValue()).isEqualTo("agency.pause");
        assertThat(newest.get("target").stringValue()).isEqualTo("NHIA");
        assertThat(newest.get("actor").stringValue()).isEqualTo("OP0001");
        assertThat(newest.get("reason").stringValue()).isEqualTo("maintenance");
        assertThat(newest.get("roles").stringValue()).isEqualTo("OPERATOR");
        assertThat(json.readTree(newest.get("details").stringValue())
                        .get("commandId")
                        .stringValue())
                .isEqualTo(command.get("commandId").stringValue());
    }

    @Test
    @Order(3)
    void retriesCancelsAndBulkRetriesParkedDeliveries() throws Exception {
        String receipt = file();
        UUID nta = deliveryOf(receipt, "NTA");
        UUID nhia = deliveryOf(receipt, "NHIA");
        jdbc.update("update delivery set status = 'PARKED', reason = 'tries exhausted' where id in (?, ?)", nta, nhia);

        assertThat(post(OPERATOR, "/api/v1/ops/deliveries/" + nta + "/cancel", "{}")
                        .statusCode())
                .isEqualTo(422);
        assertThat(post(OPERATOR, "/api/v1/ops/deliveries/" + nta + "/cancel", "{\"reason\":\"  \"}")
                        .statusCode())
                .isEqualTo(422);
        assertThat(post(OPERATOR, "/api/v1/ops/deliveries/" + UUID.randomUUID() + "/retry", "")
                        .statusCode())
                .isEqualTo(404);

        assertThat(post(OPERATOR, "/api/v1/ops/deliveries/" + nta + "/retry", "")
                        .statusCode())
                .isEqualTo(202);
        JsonNode retry = awaitCommand(Topology.DELIVERY_COMMAND_ROUTING_KEY, "NTA");
        assertThat(retry.get("deliveryId").stringValue()).isEqualTo(nta.toString());
        assertThat(retry.get("action").stringValue()).isEqualTo("RETRY");

        assertThat(post(OPERATOR, "/api/v1/ops/deliveries/" + nta + "/cancel", "{\"reason\":\"moved abroad\"}")
                        .statusCode())
                .isEqualTo(202);
        JsonNode cancel = awaitCommand(Topology.DELIVERY_COMMAND_ROUTING_KEY, "NTA");
        assertThat(cancel.get("action").stringValue()).isEqualTo("CANCEL");
        assertThat(cancel.get("reason").stringValue()).isEqualTo("moved abroad");

        HttpResponse<String> bulk =
                post(OPERATOR, "/api/v1/ops/deliveries/retry", "{\"agency\":\"NHIA\",\"status\":\"PARKED\"}");
        assertThat(bulk.statusCode()).isEqualTo(202);
        assertThat(json.readTree(bulk.body()).get("count").asInt()).isEqualTo(1);
        JsonNode bulkRetry = awaitCommand(Topology.DELIVERY_COMMAND_ROUTING_KEY, "NHIA");
        assertThat(bulkRetry.get("deliveryId").stringValue()).isEqualTo(nhia.toString());
        assertThat(post(OPERATOR, "/api/v1/ops/deliveries/retry", "{\"status\":\"DELIVERED\"}")
                        .statusCode())
                .isEqualTo(422);

        HttpResponse<String> replay = post(
                OPERATOR,
                "/api/v1/ops/agencies/NTA/replay",
                "{\"since\":\"2026-01-01T00:00:00Z\",\"until\":\"2026-01-02T00:00:00Z\",\"reason\":\"agency lost data\"}");
        assertThat(replay.statusCode()).isEqualTo(202);
        JsonNode replayed = awaitCommand(Topology.REPLAY_COMMAND_ROUTING_KEY, "NTA");
        assertThat(replayed.get("since").stringValue()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(post(OPERATOR, "/api/v1/ops/agencies/NTA/replay", "{\"since\":\"2026-01-01T00:00:00Z\"}")
                        .statusCode())
                .isEqualTo(422);
    }

    @Test
    @Order(4)
    void searchesDeliveriesWithTheirTriesAndAuditsTheRead() throws Exception {
        String receipt = file();
        UUID nta = deliveryOf(receipt, "NTA");
        jdbc.update(
                "insert into delivery_event (delivery_id, status, at, revision, attempt_number, http_status,"
                        + " duration_ms, response_excerpt) values (?, 'RETRYING', now(), 1, 1, 503, 42, ?)",
                nta,
                "x".repeat(5000));

        HttpResponse<String> found = get(AUDITOR, "/api/v1/ops/deliveries?receipt=" + receipt + "&agency=NTA");

        assertThat(found.statusCode()).isEqualTo(200);
        JsonNode item = json.readTree(found.body()).get("items").get(0);
        assertThat(item.get("receipt").stringValue()).isEqualTo(receipt);
        JsonNode attempt = item.get("attemptLog").get(0);
        assertThat(attempt.get("httpStatus").asInt()).isEqualTo(503);
        assertThat(attempt.get("durationMillis").asLong()).isEqualTo(42);
        assertThat(attempt.get("response").stringValue()).hasSize(2048);
        // The filing's step comes from the delivery row (V13), the try's from the report.
        List<String> steps = new ArrayList<>();
        item.get("timeline").forEach(step -> steps.add(step.get("status").stringValue()));
        assertThat(steps).containsExactly("PENDING", "RETRYING");
        JsonNode newest = json.readTree(get(AUDITOR, "/api/v1/ops/audit").body())
                .get("items")
                .get(0);
        assertThat(newest.get("action").stringValue()).isEqualTo("change.read");
        assertThat(newest.get("actor").stringValue()).isEqualTo("AU0001");
        assertThat(newest.get("target").stringValue()).isEqualTo(receipt);
        assertThat(get(AUDITOR, "/api/v1/ops/deliveries?status=LOST").statusCode())
                .isEqualTo(422);
    }

    @Test
    @Order(5)
    void showsHealthSnapshotsAndStoresAlerts() throws Exception {
        Instant now = Instant.now();
        rabbit.convertAndSend(
                Topology.REPORTS_EXCHANGE,
                Topology.AGENCY_HEALTH_ROUTING_KEY,
                new AgencyHealth("TPC", "a", "OPEN", false, false, 7, 2, 3, 4, 250L, "HTTP 503", now, now));
        rabbit.convertAndSend(
                Topology.REPORTS_EXCHANGE,
                Topology.AGENCY_HEALTH_ROUTING_KEY,
                new AgencyHealth("TPC", "b", "CLOSED", false, false, 7, 1, 5, 0, 90L, null, null, now));
        rabbit.convertAndSend(
                Topology.ALERTS_EXCHANGE,
                Topology.alertRoutingKey("FAILING", "TPC"),
                new AgencyAlert("TPC", AgencyAlert.Kind.FAILING, "circuit opened", now));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode tpc = agency("TPC");
            assertThat(tpc.get("circuitState").stringValue()).isEqualTo("OPEN");
            assertThat(tpc.get("instances").asInt()).isEqualTo(2);
            assertThat(tpc.get("inFlight").asInt()).isEqualTo(3);
            assertThat(tpc.get("deliveredPerMinute").asLong()).isEqualTo(8);
            assertThat(tpc.get("p95LatencyMillis").asLong()).isEqualTo(250);
            assertThat(tpc.get("lastError").stringValue()).isEqualTo("HTTP 503");
            assertThat(tpc.get("stale").asBoolean()).isFalse();
            JsonNode alert =
                    json.readTree(get(AUDITOR, "/api/v1/ops/alerts").body()).get(0);
            assertThat(alert.get("kind").stringValue()).isEqualTo("FAILING");
            assertThat(alert.get("agency").stringValue()).isEqualTo("TPC");
        });
        JsonNode nta = agency("NTA");
        assertThat(nta.get("circuitState").stringValue()).isEqualTo("UNKNOWN");
        assertThat(nta.get("stale").asBoolean()).isTrue();
        Map<String, Long> shown = new HashMap<>();
        nta.get("counts")
                .properties()
                .forEach(count -> shown.put(count.getKey(), count.getValue().asLong()));
        Map<String, Long> rows = new HashMap<>();
        jdbc.query("select status, count(*) from delivery where agency = 'NTA' group by status", rs -> {
            rows.put(rs.getString(1), rs.getLong(2));
        });
        assertThat(shown).isNotEmpty().isEqualTo(rows);
        JsonNode history =
                json.readTree(get(AUDITOR, "/api/v1/ops/agencies/NTA/history").body());
        assertThat(history.get("minutes").values()).hasSize(60);
    }

    @Test
    @Order(6)
    void exposesGatewaySeriesToPrometheusWithoutAToken() throws Exception {
        file();

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            HttpResponse<String> scrape = http.send(
                    HttpRequest.newBuilder(uri("/actuator/prometheus")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.body())
                    .containsPattern("tongbao_changes_filed_total\\{[^}]*type=\"ADDRESS_CHANGE\"[^}]*} [1-9]")
                    .contains("tongbao_gateway_deliveries{")
                    .contains("tongbao_outbox_backlog")
                    .contains("tongbao_report_lag_seconds");
        });
        HttpResponse<String> readiness = http.send(
                HttpRequest.newBuilder(uri("/actuator/health/readiness")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(readiness.statusCode()).isEqualTo(200);
    }

    @Test
    @Order(7)
    void verifiesTheAuditChainAndNamesATamperedRecord() throws Exception {
        JsonNode intact = json.readTree(get(AUDITOR, "/api/v1/ops/audit/verify").body());
        assertThat(intact.get("valid").asBoolean()).isTrue();
        assertThat(intact.get("checked").asLong()).isGreaterThanOrEqualTo(3);
        assertThat(intact.get("firstBroken").isNull()).isTrue();
        long victim = jdbc.queryForObject(
                "select id from audit_log where action = 'agency.pause' order by id limit 1", Long.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> jdbc.update("update audit_log set reason = 'edited' where id = ?", victim))
                .hasMessageContaining("append-only");

        jdbc.execute("alter table audit_log disable trigger audit_log_append_only");
        jdbc.update("update audit_log set reason = 'nothing to see' where id = ?", victim);
        jdbc.execute("alter table audit_log enable trigger audit_log_append_only");

        JsonNode broken =
                json.readTree(get(OPERATOR, "/api/v1/ops/audit/verify").body());
        assertThat(broken.get("valid").asBoolean()).isFalse();
        assertThat(broken.get("firstBroken").asLong()).isEqualTo(victim);
        assertThat(broken.get("reason").stringValue()).contains("does not match its hash");
    }

    @Test
    @Order(8)
    void answersAMalformedBodyOrIdWithItsOwnProblemNotTheFrameworksDefault() throws Exception {
        HttpResponse<String> body = post(OPERATOR, "/api/v1/ops/agencies/NTA/pause", "{\"reason\":");
        HttpResponse<String> id = post(OPERATOR, "/api/v1/ops/deliveries/not-a-uuid/retry", "{\"reason\":\"x\"}");

        assertThat(body.statusCode()).as(body.body()).isEqualTo(400);
        assertThat(json.readTree(body.body()).get("detail").stringValue()).isEqualTo("the body is not valid JSON");
        assertThat(id.statusCode()).as(id.body()).isEqualTo(400);
        assertThat(json.readTree(id.body()).get("detail").stringValue()).isEqualTo("id is malformed: not-a-uuid");
    }

    private JsonNode agency(String code) {
        for (JsonNode agency :
                json.readTree(get(AUDITOR, "/api/v1/ops/agencies").body())) {
            if (agency.get("code").stringValue().equals(code)) {
                return agency;
            }
        }
        throw new AssertionError("no agency " + code);
    }

    private JsonNode awaitCommand(String routingKey, String agency) {
        Message message = rabbit.receive(commandQueue, 10_000);
        assertThat(message).as("a command on tongbao.control").isNotNull();
        assertThat(message.getMessageProperties().getReceivedRoutingKey()).isEqualTo(routingKey);
        JsonNode command = json.readTree(message.getBody());
        assertThat(command.get("agency").stringValue()).isEqualTo(agency);
        return command;
    }

    private String file() throws Exception {
        String citizen = NationalIds.random();
        String effective = LocalDate.now(ZoneId.of("Asia/Taipei")).plusDays(3).toString();
        HttpRequest request = HttpRequest.newBuilder(uri("/api/v1/changes"))
                .header("Content-Type", "application/json")
                .header("Authorization", TestTokens.bearer(TestTokens.citizen(citizen)))
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .POST(HttpRequest.BodyPublishers.ofString(
                        json.writeValueAsString(Changes.addressChange(citizen, effective))))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return json.readTree(response.body()).get("receipt").stringValue();
    }

    private UUID deliveryOf(String receipt, String agency) {
        return jdbc.queryForObject(
                "select d.id from delivery d join change c on c.id = d.change_id where c.receipt = ? and d.agency = ?",
                UUID.class,
                receipt,
                agency);
    }

    private HttpResponse<String> get(String token, String path) {
        return send(HttpRequest.newBuilder(uri(path))
                .header("Authorization", TestTokens.bearer(token))
                .GET()
                .build());
    }

    private HttpResponse<String> post(String token, String path, String body) {
        HttpRequest.Builder builder =
                HttpRequest.newBuilder(uri(path)).header("Authorization", TestTokens.bearer(token));
        if (!body.isEmpty()) {
            builder.header("Content-Type", "application/json");
        }
        return send(builder.POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
