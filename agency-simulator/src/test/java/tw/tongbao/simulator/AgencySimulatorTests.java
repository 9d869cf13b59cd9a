package tw.tongbao.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.core.signature.WebhookSecret;
import tw.tongbao.core.signature.WebhookSignature;
import tw.tongbao.simulator.stats.StatsServer;

/** The whole simulator, started on free ports with a test registry, answering real HTTP and real files. */
class AgencySimulatorTests {

    private static final String REST_SECRET = "whsec_S5RktN0JdgmVYS/cthnsQ+rT/IK5Y8KusBELYc4RoEc=";
    private static final String REST_PREVIOUS_SECRET = "whsec_LXlidvfSULAg4mD9Pu6gfT2iDFJ15nBINLfrn015xJA=";
    private static final String SOAP_SECRET = "whsec_zcvDjZUL3QLzocV/eixSzoV2mMYTv49ox22VkP3AZtk=";
    private static final String FLAKY_SECRET = "whsec_FJblpYOcmZoFtqQ5G5+yJ5cPzSBFCqh9NSMco40kFV8=";

    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    static Path dropDirectory;

    private static ConfigurableApplicationContext context;
    private static int restPort;
    private static int soapPort;
    private static int flakyPort;

    @BeforeAll
    static void startSimulator() throws IOException {
        restPort = freePort();
        soapPort = freePort();
        flakyPort = freePort();
        context = new SpringApplicationBuilder(AgencySimulatorApplication.class)
                .run(
                        "--TONGBAO_REGISTRY=classpath:test-registry.yml",
                        "--test.port.rest=" + restPort,
                        "--test.port.soap=" + soapPort,
                        "--test.port.flaky=" + flakyPort,
                        "--tongbao.simulator.bind-address=127.0.0.1",
                        "--tongbao.simulator.stats-port=0",
                        "--tongbao.simulator.drop-directory=" + dropDirectory,
                        "--tongbao.simulator.poll-interval=100ms",
                        "--tongbao.simulator.failure-rate.FLAKY=1.0");
    }

    @AfterAll
    static void stopSimulator() {
        context.close();
    }

    @Test
    void acceptsACorrectlySignedCloudEvent() throws Exception {
        String id = UUID.randomUUID().toString();

        HttpResponse<String> response = post(restPort, "/notifications", id, Notifications.cloudEvent(id), REST_SECRET);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).path("received").stringValue())
                .isEqualTo(id);
    }

    @Test
    void acceptsThePreviousSecretDuringARotation() throws Exception {
        String id = UUID.randomUUID().toString();

        HttpResponse<String> response =
                post(restPort, "/notifications", id, Notifications.cloudEvent(id), REST_PREVIOUS_SECRET);

        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void refusesATamperedBody() throws Exception {
        String id = UUID.randomUUID().toString();
        byte[] body = Notifications.cloudEvent(id);
        String signature = sign(REST_SECRET, id, now(), body);
        byte[] tampered =
                new String(body, StandardCharsets.UTF_8).replace("臺北市", "高雄市").getBytes(StandardCharsets.UTF_8);
        long before = count("REST", "badSignatures");

        HttpResponse<String> response = send(restPort, "/notifications", id, now(), signature, tampered);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).contains("no v1 signature verifies");
        assertThat(count("REST", "badSignatures")).isEqualTo(before + 1);
    }

    @Test
    void refusesAnotherAgencysSignature() throws Exception {
        String id = UUID.randomUUID().toString();

        HttpResponse<String> response = post(restPort, "/notifications", id, Notifications.cloudEvent(id), SOAP_SECRET);

        assertThat(response.statusCode()).isEqualTo(401);
    }

    @Test
    void refusesAStaleTimestamp() throws Exception {
        String id = UUID.randomUUID().toString();
        byte[] body = Notifications.cloudEvent(id);
        long stale = now() - Duration.ofMinutes(10).toSeconds();

        HttpResponse<String> response =
                send(restPort, "/notifications", id, stale, sign(REST_SECRET, id, stale, body), body);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).contains("minutes off");
    }

    @Test
    void refusesAnUnsignedDelivery() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restPort + "/notifications"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(Notifications.cloudEvent("x")))
                .build();

        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).contains("missing webhook-id");
    }

    @Test
    void countsARepeatedWebhookIdAsADuplicateAndStillAnswers200() throws Exception {
        String id = UUID.randomUUID().toString();
        long unique = count("REST", "unique");
        long duplicates = count("REST", "duplicates");

        assertThat(post(restPort, "/notifications", id, Notifications.cloudEvent(id), REST_SECRET)
                        .statusCode())
                .isEqualTo(200);
        assertThat(post(restPort, "/notifications", id, Notifications.cloudEvent(id), REST_SECRET)
                        .statusCode())
                .isEqualTo(200);

        assertThat(count("REST", "unique")).isEqualTo(unique + 1);
        assertThat(count("REST", "duplicates")).isEqualTo(duplicates + 1);
    }

    @Test
    void rejectsASignedBodyThatIsNotACloudEvent() throws Exception {
        String id = UUID.randomUUID().toString();
        byte[] body = "{\"hello\":\"world\"}".getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = post(restPort, "/notifications", id, body, REST_SECRET);

        assertThat(response.statusCode()).isEqualTo(400);
    }

    @Test
    void answersASoapNotificationWithAResponseEnvelope() throws Exception {
        String id = UUID.randomUUID().toString();

        HttpResponse<String> response =
                post(soapPort, "/soap/notifications", id, Notifications.soapEnvelope(id), SOAP_SECRET);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/xml; charset=utf-8");
        assertThat(response.body())
                .contains("ChangeNotificationResponse")
                .contains("urn:tongbao:notification:v1")
                .contains(id);
    }

    @Test
    void answersMalformedSoapWithAClientFault() throws Exception {
        String id = UUID.randomUUID().toString();
        byte[] body = "<not-soap/>".getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = post(soapPort, "/soap/notifications", id, body, SOAP_SECRET);

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).contains("<faultcode>soap:Client</faultcode>");
    }

    @Test
    void failsOnPurposeWhereConfigured() throws Exception {
        String id = UUID.randomUUID().toString();

        HttpResponse<String> response =
                post(flakyPort, "/notifications", id, Notifications.cloudEvent(id), FLAKY_SECRET);

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(count("FLAKY", "unique")).isZero();
    }

    @Test
    void takesAVerifiedBatchFileAndCountsItsRows() throws Exception {
        Path folder = dropDirectory.resolve("FILES");
        String first = UUID.randomUUID().toString();
        String second = UUID.randomUUID().toString();
        String csv =
                "deliveryId,name,address\r\n" + first + ",王小明,\"臺北市大安區羅斯福路四段1號, 5樓\"\r\n" + second + ",陳大文,臺中市西屯區\r\n";
        byte[] bytes = csv.getBytes(Charset.forName("Big5"));
        long unique = count("FILES", "unique");

        Files.write(folder.resolve("batch-1.csv"), bytes);
        Files.writeString(folder.resolve("batch-1.csv.sha256"), sha256(bytes) + "  batch-1.csv\n");

        await().atMost(Duration.ofSeconds(10))
                .until(() -> Files.exists(folder.resolve("processed").resolve("batch-1.csv")));
        assertThat(folder.resolve("processed").resolve("batch-1.csv.sha256")).exists();
        assertThat(count("FILES", "unique")).isEqualTo(unique + 2);
    }

    @Test
    void rejectsABatchFileWhoseChecksumDoesNotHold() throws Exception {
        Path folder = dropDirectory.resolve("FILES");
        byte[] bytes = "deliveryId,name\r\nabc,王小明\r\n".getBytes(Charset.forName("Big5"));
        long badFiles = count("FILES", "badFiles");

        Files.write(folder.resolve("batch-2.csv"), bytes);
        Files.writeString(folder.resolve("batch-2.csv.sha256"), "0".repeat(64) + "\n");

        await().atMost(Duration.ofSeconds(10))
                .until(() -> Files.exists(folder.resolve("rejected").resolve("batch-2.csv")));
        assertThat(count("FILES", "badFiles")).isEqualTo(badFiles + 1);
    }

    @Test
    void leavesFilesThatAreStillBeingWrittenAlone() throws Exception {
        Path folder = dropDirectory.resolve("FILES");
        byte[] bytes = "deliveryId,name\r\nabc,王小明\r\n".getBytes(Charset.forName("Big5"));
        Files.write(folder.resolve(".tmp-3.csv"), bytes);
        Files.writeString(folder.resolve(".tmp-3.csv.sha256"), sha256(bytes) + "  batch-3.csv\n");
        Files.write(folder.resolve("batch-4.csv"), bytes);
        Files.writeString(folder.resolve("batch-4.csv.sha256"), sha256(bytes) + "  batch-4.csv\n");

        await().atMost(Duration.ofSeconds(10))
                .until(() -> Files.exists(folder.resolve("processed").resolve("batch-4.csv")));
        assertThat(folder.resolve(".tmp-3.csv")).exists();
    }

    @Test
    void servesStatsPerAgency() throws Exception {
        JsonNode stats = stats();

        assertThat(stats.propertyNames()).containsExactly("REST", "SOAP", "FLAKY", "FILES");
        assertThat(stats.path("SOAP").path("protocol").stringValue()).isEqualTo("soap-xml");
        assertThat(stats.path("REST").has("badSignatures")).isTrue();
    }

    private static HttpResponse<String> post(int port, String path, String id, byte[] body, String secret)
            throws Exception {
        long timestamp = now();
        return send(port, path, id, timestamp, sign(secret, id, timestamp, body), body);
    }

    private static HttpResponse<String> send(
            int port, String path, String id, long timestamp, String signature, byte[] body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header(WebhookSignature.ID_HEADER, id)
                .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestamp))
                .header(WebhookSignature.SIGNATURE_HEADER, signature)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static String sign(String secret, String id, long timestamp, byte[] body) {
        return WebhookSignature.sign(List.of(WebhookSecret.parse(secret)), id, timestamp, body);
    }

    private static long count(String agency, String counter) throws Exception {
        return stats().path(agency).path(counter).asLong();
    }

    private static JsonNode stats() throws Exception {
        int port = context.getBean(StatsServer.class).port();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/stats"))
                .build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static long now() {
        return Instant.now().getEpochSecond();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
