package tw.tongbao.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
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
import tw.tongbao.core.change.ChangeType;
import tw.tongbao.core.change.Receipt;
import tw.tongbao.core.envelope.Addressee;
import tw.tongbao.core.envelope.ChangeFiled;
import tw.tongbao.core.messaging.Topology;
import tw.tongbao.core.testing.TestDatabase;
import tw.tongbao.core.testing.TestVhost;
import tw.tongbao.gateway.ReleasedAfterContext.Release;
import tw.tongbao.gateway.citizen.Changes;
import tw.tongbao.gateway.outbox.OutboxRelaySwitch;

/**
 * Chinese text written once as UTF-8 by the gateway arrives as exactly those bytes wherever it goes: the 202 answer,
 * its replay, the change as read back, the stored data and the message on an agency's queue (real HTTP, PostgreSQL,
 * RabbitMQ). An outbox row written as text before the gateway wrote bytes is published byte for byte too.
 */
@ExtendWith(ReleasedAfterContext.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class EncodingIntegrationTests {

    @Release(order = 2)
    static final TestDatabase database = TestDatabase.create("gwenc");

    @Release(order = 1)
    static final TestVhost vhost = TestVhost.create("gwenc");

    static final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static CachingConnectionFactory directConnection;
    static RabbitTemplate rabbit;

    private static final String NAME = "王小明";

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
        TestServices.register(registry, database, vhost);
        registry.add("tongbao.outbox.poll-interval", () -> "200ms");
    }

    @BeforeAll
    static void connectDirectly() {
        directConnection = new CachingConnectionFactory(vhost.host(), vhost.port());
        directConnection.setVirtualHost(vhost.name());
        directConnection.setUsername(vhost.username());
        directConnection.setPassword(vhost.password());
        rabbit = new RabbitTemplate(directConnection);
    }

    @AfterAll
    static void disconnect() {
        directConnection.destroy();
    }

    @Test
    void keepsChineseTextByteExactFromTheFilingToTheAgencysQueue() throws Exception {
        String citizen = NationalIds.random();
        Map<String, Object> change = Changes.addressChange(citizen, soon(), "TPC");
        Map<String, Object> address = Changes.addressOf(change);
        address.put("postalCode", "110");
        address.put("district", "信義區");
        address.put("street", "市府路");
        address.remove("floor");

        byte[] answer;
        String receipt;
        byte[] outboxed;
        // The outbox row is read before the relay publishes it, and deletes it.
        OutboxRelaySwitch.stop(context);
        try {
            answer = post(citizen, "chinese", change);
            receipt = json.readTree(answer).get("receipt").stringValue();
            outboxed = jdbc.queryForObject(
                    "select convert_to(o.payload, 'UTF8') from outbox o join change c on c.id = o.change_id"
                            + " where c.receipt = ?",
                    byte[].class,
                    receipt);
        } finally {
            OutboxRelaySwitch.start(context);
        }

        // (a) the 202 body: valid UTF-8 holding the agencies' names, the very bytes stored for replays
        assertThat(strictUtf8(answer)).contains("財政部國稅局", "台灣電力公司");
        assertThat(contains(answer, utf8("\"agencyName\":\"財政部國稅局\""))).isTrue();
        assertThat(jdbc.queryForObject(
                        "select convert_to(response, 'UTF8') from change where receipt = ?", byte[].class, receipt))
                .isEqualTo(answer);
        // (b) the same key and body again: the first answer's bytes
        assertThat(post(citizen, "chinese", change)).isEqualTo(answer);
        // (c) the change read back, before anything happened to it
        assertThat(get(citizen, "/api/v1/changes/" + receipt)).isEqualTo(answer);
        // (e) the stored data: the filed address, character for character
        assertThat(jdbc.queryForObject(
                        "select convert_to(data->'address'->>'city', 'UTF8') || convert_to(data->'address'->>'district',"
                                + " 'UTF8') || convert_to(data->'address'->>'street', 'UTF8')"
                                + " || convert_to(data->'address'->>'number', 'UTF8') from change where receipt = ?",
                        byte[].class,
                        receipt))
                .isEqualTo(utf8("臺北市信義區市府路1號"));
        assertThat(jdbc.queryForObject(
                        "select data = ?::jsonb from change where receipt = ?",
                        Boolean.class,
                        json.writeValueAsString(change.get("data")),
                        receipt))
                .isTrue();
        // (d) the message an adapter receives: the bytes Jackson wrote for the change, name and address intact
        QueuedChanges.Received toTpc = awaitChange("TPC", receipt);
        byte[] body = toTpc.change();
        ChangeFiled filed = json.readValue(body, ChangeFiled.class);
        assertThat(filed.subjectName()).isEqualTo(NAME);
        JsonNode sent = json.valueToTree(filed.data().get("address"));
        assertThat(sent).isEqualTo(json.valueToTree(address));
        assertThat(body).isEqualTo(json.writeValueAsBytes(filed));
        assertThat(contains(body, utf8("\"subjectName\":\"王小明\""))).isTrue();
        assertThat(contains(body, utf8("\"street\":\"市府路\""))).isTrue();
        assertThat(outboxed).isEqualTo(body);
        assertThat(toTpc.message().getMessageProperties().getContentEncoding()).isEqualTo("UTF-8");
        assertThat(awaitChange("NTA", receipt).change()).isEqualTo(body);
    }

    @Test
    void publishesAnOutboxRowWrittenAsTextBeforeTheUpgradeByteForByte() {
        // As the gateway wrote rows before it handed PostgreSQL bytes: the change as a Java string, in a text column.
        UUID changeId = UUID.randomUUID();
        String receipt = Receipt.random().value();
        String subject = NationalIds.random();
        Instant now = Instant.parse("2026-11-26T09:00:00Z");
        Map<String, Object> address = Map.of("city", "臺北市", "district", "信義區", "street", "市府路", "number", "1號");
        ChangeFiled change = new ChangeFiled(
                changeId,
                receipt,
                ChangeType.ADDRESS_CHANGE,
                subject,
                NAME,
                1,
                LocalDate.parse("2026-12-01"),
                now,
                Map.of("address", address),
                List.of(
                        new Addressee("NTA", UUID.randomUUID(), "ref-nta"),
                        new Addressee("TPC", UUID.randomUUID(), "ref-tpc")));
        String payload = json.writeValueAsString(change);
        // Nothing else waits in the outbox, so this row is published alone: a lone ChangeFiled, as before batches.
        await().untilAsserted(() -> assertThat(
                        jdbc.queryForObject("select count(*) from outbox where published_at is null", Integer.class))
                .isZero());
        jdbc.update(
                "insert into change (id, receipt, type, subject_id, filer_id, subject_name, sequence, effective_date,"
                        + " submitted_at, data, idempotency_key, request_hash, response)"
                        + " values (?, ?, 'ADDRESS_CHANGE', ?, ?, ?, 1, date '2026-12-01', now(), ?::jsonb, ?, ?, '{}')",
                changeId,
                receipt,
                subject,
                subject,
                NAME,
                json.writeValueAsString(change.data()),
                "before-upgrade",
                "0".repeat(64));
        jdbc.update("insert into outbox (change_id, payload) values (?, ?)", changeId, payload);

        QueuedChanges.Received toNta = awaitChange("NTA", receipt);
        QueuedChanges.Received toTpc = awaitChange("TPC", receipt);

        assertThat(toNta.change()).isEqualTo(payload.getBytes(StandardCharsets.UTF_8));
        assertThat(toTpc.change()).isEqualTo(payload.getBytes(StandardCharsets.UTF_8));
        assertThat(QueuedChanges.isBatch(toNta.message())).isFalse();
        assertThat(toNta.message().getMessageProperties().<String>getHeader(Topology.addressedHeader("TPC")))
                .isEqualTo(Topology.ADDRESSED);
        assertThat(toNta.message().getMessageProperties().<Object>getHeader(Topology.addressedHeader("NHIA")))
                .isNull();
        assertThat(json.readValue(toTpc.change(), ChangeFiled.class)).isEqualTo(change);
        assertThat(receiveAll("NHIA", receipt)).isEmpty();
    }

    private byte[] post(String citizen, String key, Map<String, Object> body) {
        try {
            HttpRequest request = HttpRequest.newBuilder(uri("/api/v1/changes"))
                    .header("Content-Type", "application/json")
                    .header("Authorization", TestTokens.bearer(TestTokens.citizen(citizen, NAME)))
                    .header("Idempotency-Key", key)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)))
                    .build();
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            assertThat(response.statusCode())
                    .as(new String(response.body(), StandardCharsets.UTF_8))
                    .isEqualTo(202);
            return response.body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] get(String citizen, String path) {
        try {
            HttpRequest request = HttpRequest.newBuilder(uri(path))
                    .header("Authorization", TestTokens.bearer(TestTokens.citizen(citizen, NAME)))
                    .GET()
                    .build();
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            assertThat(response.statusCode()).isEqualTo(200);
            return response.body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private QueuedChanges.Received awaitChange(String agency, String receipt) {
        return QueuedChanges.awaitChange(rabbit, json, agency, receipt);
    }

    private List<QueuedChanges.Received> receiveAll(String agency, String receipt) {
        return QueuedChanges.remaining(rabbit, json, agency, receipt);
    }

    /** Decodes refusing anything that is not UTF-8 (where {@code new String} would quietly substitute). */
    private static String strictUtf8(byte[] bytes) throws CharacterCodingException {
        return StandardCharsets.UTF_8
                .newDecoder()
                .decode(ByteBuffer.wrap(bytes))
                .toString();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (java.util.Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return true;
            }
        }
        return false;
    }

    private static String soon() {
        return LocalDate.now(ZoneId.of("Asia/Taipei")).plusDays(5).toString();
    }
}
