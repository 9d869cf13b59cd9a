package tw.tongbao.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.support.converter.JacksonJsonMessageConverter;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.core.delivery.DeliveryStatus;
import tw.tongbao.core.envelope.ChangeFiled;
import tw.tongbao.core.messaging.Topology;
import tw.tongbao.core.report.AttemptRecord;
import tw.tongbao.core.report.DeliveryReported;
import tw.tongbao.core.testing.TcpProxy;
import tw.tongbao.core.testing.TestDatabase;
import tw.tongbao.core.testing.TestVhost;
import tw.tongbao.gateway.ReleasedAfterContext.Release;
import tw.tongbao.gateway.citizen.Changes;

/** The gateway against real PostgreSQL and RabbitMQ: filing, publishing once, idempotency, reports, outages. */
@ExtendWith(ReleasedAfterContext.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class GatewayIntegrationTests {

    @Release(order = 4)
    static final TestDatabase database = TestDatabase.create("gw");

    @Release(order = 3)
    static final TestVhost vhost = TestVhost.create("gw");

    @Release(order = 2)
    static final TcpProxy broker = TcpProxy.start(vhost.host(), vhost.port());

    static final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Release(order = 1)
    static CachingConnectionFactory directConnection;

    static RabbitTemplate rabbit;

    @Autowired
    JsonMapper json;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    ApplicationContext context;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", database::jdbcUrl);
        registry.add("spring.datasource.username", database::username);
        registry.add("spring.datasource.password", database::password);
        registry.add("spring.rabbitmq.host", () -> "127.0.0.1");
        registry.add("spring.rabbitmq.port", broker::port);
        registry.add("spring.rabbitmq.virtual-host", vhost::name);
        registry.add("spring.rabbitmq.username", vhost::username);
        registry.add("spring.rabbitmq.password", vhost::password);
        registry.add("tongbao.outbox.poll-interval", () -> "200ms");
        registry.add("tongbao.outbox.confirm-timeout", () -> "2s");
    }

    @BeforeAll
    static void connectDirectly() {
        directConnection = new CachingConnectionFactory(vhost.host(), vhost.port());
        directConnection.setVirtualHost(vhost.name());
        directConnection.setUsername(vhost.username());
        directConnection.setPassword(vhost.password());
        rabbit = new RabbitTemplate(directConnection);
        rabbit.setMessageConverter(
                new JacksonJsonMessageConverter(JsonMapper.builder().build(), "tw.tongbao.core.*"));
    }

    @Test
    void filesAnAddressChangeAndPublishesItOnceToEachAddressedAgency() throws Exception {
        String citizen = NationalIds.random();
        // Nothing else waits in the outbox, so this change is published alone: a lone ChangeFiled.
        awaitEmptyOutbox();

        HttpResponse<String> response = post(citizen, "move-1", Changes.addressChange(citizen, soon(), "TPC"));

        assertThat(response.statusCode()).isEqualTo(202);
        JsonNode body = json.readTree(response.body());
        String receipt = body.get("receipt").stringValue();
        assertThat(response.headers().firstValue("Location")).hasValue("/api/v1/changes/" + receipt);
        assertThat(body.get("type").stringValue()).isEqualTo("ADDRESS_CHANGE");
        assertThat(body.get("status").stringValue()).isEqualTo("IN_PROGRESS");
        assertThat(body.get("sequence").asLong()).isEqualTo(1);
        assertThat(body.get("deliveries").values())
                .extracting(d -> d.get("agency").stringValue())
                .contains("NTA", "NHIA", "TPC")
                .doesNotContain("TWC", "POST");
        JsonNode nta = delivery(body, "NTA");
        assertThat(nta.get("agencyName").stringValue()).isEqualTo("財政部國稅局");
        assertThat(nta.get("status").stringValue()).isEqualTo("PENDING");
        assertThat(nta.get("timeline").values()).hasSize(1);
        assertThat(get(citizen, "/api/v1/changes/" + receipt).body()).isEqualTo(response.body());

        QueuedChanges.Received toNta = awaitChange("NTA", receipt);
        assertThat(QueuedChanges.isBatch(toNta.message())).isFalse();
        ChangeFiled filed = json.readValue(toNta.change(), ChangeFiled.class);
        assertThat(filed.subjectId()).isEqualTo(citizen);
        assertThat(filed.sequence()).isEqualTo(1);
        assertThat(filed.addressees()).extracting(a -> a.agency()).contains("NTA", "NHIA", "TPC");
        assertThat(filed.addresseeFor("NTA").orElseThrow().subjectRef())
                .hasSize(22)
                .isNotEqualTo(filed.addresseeFor("TPC").orElseThrow().subjectRef());
        MessageProperties headers = toNta.message().getMessageProperties();
        assertThat(headers.getMessageId()).isEqualTo(filed.changeId().toString());
        assertThat(headers.getReceivedDeliveryMode()).isEqualTo(MessageDeliveryMode.PERSISTENT);
        assertThat(headers.<String>getHeader(Topology.addressedHeader("NTA"))).isEqualTo(Topology.ADDRESSED);
        assertThat(headers.<String>getHeader(Topology.addressedHeader("TPC"))).isEqualTo(Topology.ADDRESSED);
        assertThat(headers.<Object>getHeader(Topology.addressedHeader("TWC"))).isNull();
        assertThat(awaitChange("TPC", receipt).change()).isEqualTo(toNta.change());
        await().untilAsserted(() -> assertThat(jdbc.queryForObject(
                        "select count(*) from outbox o join change c on c.id = o.change_id where c.receipt = ?",
                        Integer.class,
                        receipt))
                .isZero());
        assertThat(receiveAll("NTA", receipt)).isEmpty();
        assertThat(receiveAll("TWC", receipt)).isEmpty();
    }

    @Test
    void leavesConsentAgenciesOutUnlessChosen() {
        String citizen = NationalIds.random();

        String receipt = receiptOf(post(citizen, "move-2", Changes.addressChange(citizen, soon())));

        awaitChange("NHIA", receipt);
        assertThat(receiveAll("TPC", receipt)).isEmpty();
    }

    @Test
    void answersARepeatedKeyWithTheFirstAnswerAndNoNewChange() {
        String citizen = NationalIds.random();
        Map<String, Object> change = Changes.addressChange(citizen, soon());

        HttpResponse<String> first = post(citizen, "same-key", change);
        HttpResponse<String> second = post(citizen, "same-key", change);

        assertThat(second.statusCode()).isEqualTo(first.statusCode()).isEqualTo(202);
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(first.headers().firstValue("Content-Type")).hasValue("application/json");
        String stored = jdbc.queryForObject(
                "select response::text from change where receipt = ?", String.class, receiptOf(first));
        assertThat(json.readTree(first.body())).isEqualTo(json.readTree(stored));
        assertThat(second.headers().firstValue("Location"))
                .isEqualTo(first.headers().firstValue("Location"));
        assertThat(changesOf(citizen)).isEqualTo(1);
    }

    @Test
    void answersAReusedKeyWithADifferentBodyWith409() {
        String citizen = NationalIds.random();
        post(citizen, "reused", Changes.addressChange(citizen, soon()));
        Map<String, Object> other = Changes.addressChange(citizen, soon());
        Changes.addressOf(other).put("district", "信義區");

        HttpResponse<String> response = post(citizen, "reused", other);

        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(changesOf(citizen)).isEqualTo(1);
    }

    @Test
    void filesOneChangeForConcurrentRequestsWithOneKey() throws Exception {
        String citizen = NationalIds.random();
        Map<String, Object> change = Changes.addressChange(citizen, soon());
        int requests = 6;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(requests);
        try {
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                Callable<HttpResponse<String>> call = () -> {
                    go.await();
                    return post(citizen, "racing", change);
                };
                answers.add(pool.submit(call));
            }
            go.countDown();
            List<String> receipts = new ArrayList<>();
            for (Future<HttpResponse<String>> answer : answers) {
                HttpResponse<String> response = answer.get();
                assertThat(response.statusCode()).isEqualTo(202);
                receipts.add(receiptOf(response));
            }
            assertThat(receipts).containsOnly(receipts.get(0));
            assertThat(changesOf(citizen)).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void refusesAnInvalidChangeWith422AndStoresNothing() {
        String citizen = NationalIds.random();
        Map<String, Object> change = Changes.addressChange(citizen, soon());
        Changes.addressOf(change).put("city", "東京都");

        HttpResponse<String> response = post(citizen, "invalid", change);

        assertThat(response.statusCode()).isEqualTo(422);
        JsonNode problem = json.readTree(response.body());
        assertThat(problem.get("errors").values())
                .extracting(e -> e.get("field").stringValue())
                .containsExactly("data.address.city");
        assertThat(changesOf(citizen)).isZero();
    }

    @Test
    void refusesARequestWithoutAFilerWith401() throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(uri("/api/v1/changes")).GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    }

    @Test
    void refusesAnExpiredOrUntrustedTokenWith401() throws Exception {
        String citizen = NationalIds.random();
        for (String token : List.of(TestTokens.expired(citizen), TestTokens.signedByAnotherKey(citizen))) {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(uri("/api/v1/changes"))
                            .header("Authorization", TestTokens.bearer(token))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        }
    }

    @Test
    void runsNoDemoIssuerOutsideTheDemoProfile() throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(uri("/demo/token"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"sub\":\"A123456789\",\"name\":\"x\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(context.containsBean("demoIssuer")).isFalse();
        assertThat(context.containsBean("demoJwtDecoder")).isFalse();
    }

    @Test
    void showsAnotherFilersChangeAsNotFound() {
        String citizen = NationalIds.random();
        String receipt = receiptOf(post(citizen, "mine", Changes.addressChange(citizen, soon())));

        assertThat(get(NationalIds.random(), "/api/v1/changes/" + receipt).statusCode())
                .isEqualTo(404);
    }

    @Test
    void listsTheFilersChangesNewestFirst() {
        String citizen = NationalIds.random();
        String older = receiptOf(post(citizen, "one", Changes.addressChange(citizen, soon())));
        String newer = receiptOf(post(citizen, "two", Changes.addressChange(citizen, soon())));

        JsonNode page =
                json.readTree(get(citizen, "/api/v1/changes?page=0&size=10").body());

        assertThat(page.get("items").values())
                .extracting(c -> c.get("receipt").stringValue())
                .containsExactly(newer, older);
        assertThat(page.get("items").get(0).get("sequence").asLong()).isEqualTo(2);
        assertThat(page.get("totalItems").asLong()).isEqualTo(2);
    }

    @Test
    void showsReportedDeliveriesAndIgnoresStaleOrUnreadableReports() {
        String citizen = NationalIds.random();
        String receipt = receiptOf(post(citizen, "reported", Changes.addressChange(citizen, soon())));
        UUID nta = deliveryId(receipt, "NTA");
        UUID nhia = deliveryId(receipt, "NHIA");
        Instant tried = Instant.parse("2026-11-26T09:00:01Z");

        report(new DeliveryReported(
                nta,
                "NTA",
                DeliveryStatus.DELIVERED,
                1,
                1,
                tried,
                null,
                null,
                new AttemptRecord(1, tried, 120, 202, "{\"ok\":true}", null)));

        await().untilAsserted(() -> {
            JsonNode delivery = delivery(
                    json.readTree(get(citizen, "/api/v1/changes/" + receipt).body()), "NTA");
            assertThat(delivery.get("status").stringValue()).isEqualTo("DELIVERED");
            assertThat(delivery.get("attempts").asInt()).isEqualTo(1);
            assertThat(delivery.get("timeline").values())
                    .extracting(t -> t.get("status").stringValue())
                    .containsExactly("PENDING", "DELIVERED");
        });
        assertThat(jdbc.queryForObject(
                        "select http_status from delivery_event where delivery_id = ? and status = 'DELIVERED'",
                        Integer.class,
                        nta))
                .isEqualTo(202);

        report(new DeliveryReported(nta, "NTA", DeliveryStatus.RETRYING, 1, 2, tried, null, null, null));
        rabbit.send(
                Topology.REPORTS_EXCHANGE,
                Topology.REPORTS_ROUTING_KEY,
                new Message("not json".getBytes(StandardCharsets.UTF_8), jsonProperties()));
        // A later report on the same queue: once it shows, the stale and unreadable ones before it were handled.
        report(new DeliveryReported(nhia, "NHIA", DeliveryStatus.DELIVERED, 1, 1, tried, null, null, null));

        await().untilAsserted(() -> assertThat(delivery(
                                json.readTree(get(citizen, "/api/v1/changes/" + receipt)
                                        .body()),
                                "NHIA")
                        .get("status")
                        .stringValue())
                .isEqualTo("DELIVERED"));
        JsonNode ntaAfter = delivery(
                json.readTree(get(citizen, "/api/v1/changes/" + receipt).body()), "NTA");
        assertThat(ntaAfter.get("status").stringValue()).isEqualTo("DELIVERED");
        assertThat(ntaAfter.get("timeline").values()).hasSize(2);
    }

    @Test
    void appliesAReportThatOvertookAnEarlierOneAndShowsTheEarlierInItsPlace() {
        String citizen = NationalIds.random();
        String receipt = receiptOf(post(citizen, "overtaken", Changes.addressChange(citizen, soon())));
        UUID nta = deliveryId(receipt, "NTA");
        UUID nhia = deliveryId(receipt, "NHIA");
        Instant tried = Instant.parse("2026-11-26T09:00:01Z");
        // NTA: parked after a failed try (r1), retried by an operator (r2), delivered (r3); r3 arrives before r2, and
        // PARKED -> DELIVERED is no single move. NHIA: a failed try (r1), then a good one (r2); r2 arrives first.
        report(new DeliveryReported(
                nta,
                "NTA",
                DeliveryStatus.PARKED,
                1,
                1,
                tried,
                "tries exhausted",
                null,
                new AttemptRecord(1, tried, 120, 503, "busy", null)));
        report(new DeliveryReported(
                nta,
                "NTA",
                DeliveryStatus.DELIVERED,
                3,
                2,
                tried.plusSeconds(20),
                null,
                null,
                new AttemptRecord(2, tried.plusSeconds(20), 80, 200, "{}", null)));
        report(new DeliveryReported(
                nhia,
                "NHIA",
                DeliveryStatus.DELIVERED,
                2,
                2,
                tried.plusSeconds(5),
                null,
                null,
                new AttemptRecord(2, tried.plusSeconds(5), 90, 200, "{}", null)));
        await().untilAsserted(() -> {
            JsonNode change =
                    json.readTree(get(citizen, "/api/v1/changes/" + receipt).body());
            assertThat(delivery(change, "NTA").get("status").stringValue()).isEqualTo("DELIVERED");
            assertThat(delivery(change, "NHIA").get("status").stringValue()).isEqualTo("DELIVERED");
        });

        report(new DeliveryReported(
                nta, "NTA", DeliveryStatus.PENDING, 2, 1, tried.plusSeconds(10), "retried by operator", null, null));
        report(new DeliveryReported(
                nhia,
                "NHIA",
                DeliveryStatus.RETRYING,
                1,
                1,
                tried,
                null,
                tried.plusSeconds(5),
                new AttemptRecord(1, tried, 3000, 500, "oops", null)));
        // A report seen twice is recorded once.
        report(new DeliveryReported(
                nta, "NTA", DeliveryStatus.PENDING, 2, 1, tried.plusSeconds(10), "retried by operator", null, null));

        await().untilAsserted(() -> {
            JsonNode change =
                    json.readTree(get(citizen, "/api/v1/changes/" + receipt).body());
            assertThat(delivery(change, "NTA").get("timeline").values())
                    .extracting(t -> t.get("status").stringValue())
                    .containsExactly("PENDING", "PARKED", "PENDING", "DELIVERED");
            assertThat(delivery(change, "NHIA").get("timeline").values())
                    .extracting(t -> t.get("status").stringValue())
                    .containsExactly("PENDING", "RETRYING", "DELIVERED");
        });
        JsonNode change =
                json.readTree(get(citizen, "/api/v1/changes/" + receipt).body());
        assertThat(delivery(change, "NTA").get("status").stringValue()).isEqualTo("DELIVERED");
        assertThat(delivery(change, "NHIA").get("attempts").asInt()).isEqualTo(2);
        // The late step keeps its try.
        assertThat(jdbc.queryForObject(
                        "select http_status from delivery_event where delivery_id = ? and status = 'RETRYING'",
                        Integer.class,
                        nhia))
                .isEqualTo(500);
    }

    @Test
    void acceptsFilingsWhileTheBrokerIsDownAndPublishesThemAfterwards() {
        String citizen = NationalIds.random();
        String receipt;
        broker.cut();
        try {
            HttpResponse<String> response = post(citizen, "outage", Changes.addressChange(citizen, soon()));
            assertThat(response.statusCode()).isEqualTo(202);
            receipt = receiptOf(response);
            assertThat(jdbc.queryForObject(
                            "select count(*) from outbox o join change c on c.id = o.change_id"
                                    + " where c.receipt = ? and o.published_at is null",
                            Integer.class,
                            receipt))
                    .isEqualTo(1);
        } finally {
            broker.restore();
        }

        QueuedChanges.Received toNta = awaitChange("NTA", receipt);

        assertThat(json.readValue(toNta.change(), ChangeFiled.class).receipt()).isEqualTo(receipt);
        // Every listener consumes again before the test ends: a context closed while they still restart closes
        // channels after its executor stopped, which throws on a background thread into whatever test runs next.
        RabbitAdmin admin = new RabbitAdmin(directConnection);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> Stream.of(Topology.REPORTS_QUEUE, Topology.AGENCY_HEALTH_QUEUE, Topology.ALERTS_QUEUE)
                        .allMatch(queue -> admin.getQueueInfo(queue).getConsumerCount() > 0));
    }

    private HttpResponse<String> post(String citizen, String key, Map<String, Object> body) {
        try {
            HttpRequest request = HttpRequest.newBuilder(uri("/api/v1/changes"))
                    .header("Content-Type", "application/json")
                    .header("Authorization", TestTokens.bearer(TestTokens.citizen(citizen, "王小明")))
                    .header("Idempotency-Key", key)
                    .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)))
                    .build();
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> get(String citizen, String path) {
        try {
            HttpRequest request = HttpRequest.newBuilder(uri(path))
                    .header("Authorization", TestTokens.bearer(TestTokens.citizen(citizen)))
                    .GET()
                    .build();
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private String receiptOf(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return json.readTree(response.body()).get("receipt").stringValue();
    }

    private static JsonNode delivery(JsonNode change, String agency) {
        return change.get("deliveries").values().stream()
                .filter(d -> d.get("agency").stringValue().equals(agency))
                .findFirst()
                .orElseThrow();
    }

    private UUID deliveryId(String receipt, String agency) {
        return jdbc.queryForObject(
                "select d.id from delivery d join change c on c.id = d.change_id where c.receipt = ? and d.agency = ?",
                UUID.class,
                receipt,
                agency);
    }

    private int changesOf(String citizen) {
        return jdbc.queryForObject("select count(*) from change where filer_id = ?", Integer.class, citizen);
    }

    private static void report(DeliveryReported report) {
        rabbit.convertAndSend(Topology.REPORTS_EXCHANGE, Topology.REPORTS_ROUTING_KEY, report);
    }

    private static MessageProperties jsonProperties() {
        MessageProperties properties = new MessageProperties();
        properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        properties.setHeader("__TypeId__", DeliveryReported.class.getName());
        return properties;
    }

    private QueuedChanges.Received awaitChange(String agency, String receipt) {
        return QueuedChanges.awaitChange(rabbit, json, agency, receipt);
    }

    private List<QueuedChanges.Received> receiveAll(String agency, String receipt) {
        return QueuedChanges.remaining(rabbit, json, agency, receipt);
    }

    private void awaitEmptyOutbox() {
        await().untilAsserted(() -> assertThat(
                        jdbc.queryForObject("select count(*) from outbox where published_at is null", Integer.class))
                .isZero());
    }

    private static String soon() {
        return LocalDate.now(ZoneId.of("Asia/Taipei")).plusDays(5).toString();
    }
}
