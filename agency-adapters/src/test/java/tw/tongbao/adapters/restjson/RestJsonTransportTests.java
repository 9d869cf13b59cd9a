package tw.tongbao.adapters.restjson;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.standardwebhooks.Webhook;
import io.cloudevents.CloudEvent;
import io.cloudevents.jackson.JsonFormat;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.adapters.transport.AttemptResult;
import tw.tongbao.adapters.transport.OutboundDelivery;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.agency.AgencyCode;
import tw.tongbao.core.agency.Basis;
import tw.tongbao.core.agency.Protocol;
import tw.tongbao.core.answer.AgencyAnswer;
import tw.tongbao.core.change.ChangeType;
import tw.tongbao.core.envelope.Addressee;
import tw.tongbao.core.envelope.ChangeFiled;
import tw.tongbao.core.envelope.CloudEventEnvelope;
import tw.tongbao.core.fixtures.Changes;
import tw.tongbao.core.routing.EntitlementPolicy;

class RestJsonTransportTests {

    /** The contract's test secret. */
    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    /** A second secret for key-rotation tests. */
    static final String RETIRING_SECRET = "whsec_C2FsdHlfc2VjcmV0X2Zvcl9yb3RhdGlvbl90ZXN0cw==";

    private WireMockServer agency;
    private final SignedHttpPost http = new SignedHttpPost();
    private final RestJsonTransport transport = new RestJsonTransport(http);

    @BeforeEach
    void startAgency() {
        agency = new WireMockServer(wireMockConfig().dynamicPort().http2PlainDisabled(true));
        agency.start();
    }

    @AfterEach
    void stopAgency() {
        agency.stop();
        http.close();
    }

    @Test
    void postsASignedCloudEventCarryingOnlyTheEntitledFields() throws Exception {
        agency.stubFor(post("/notifications").willReturn(aResponse().withStatus(202)));
        Agency nta = nta(null, Duration.ofSeconds(5));
        OutboundDelivery delivery = addressChangeFor(nta);
        long before = Instant.now().getEpochSecond();

        AttemptResult result = attempt(nta, delivery);

        assertThat(result.answer()).isEqualTo(AgencyAnswer.DELIVERED);
        assertThat(result.httpStatus()).isEqualTo(202);
        assertThat(result.error()).isNull();
        LoggedRequest received = onlyRequest();
        assertThat(received.getHeader("Content-Type")).isEqualTo("application/cloudevents+json; charset=utf-8");
        assertThat(received.getBody())
                .isEqualTo(CloudEventEnvelope.bytes(delivery.change(), delivery.addressee(), delivery.data()));
        String id = delivery.addressee().deliveryId().toString();
        assertThat(received.getHeader("webhook-id")).isEqualTo(id);
        assertThat(Long.parseLong(received.getHeader("webhook-timestamp")))
                .isBetween(before, Instant.now().getEpochSecond());
        assertThat(received.getHeader("webhook-signature")).startsWith("v1,").doesNotContain(" ");
        assertThatCode(() -> new Webhook(SECRET).verify(received.getBodyAsString(), headersOf(received, null)))
                .doesNotThrowAnyException();

        CloudEvent event = new JsonFormat().deserialize(received.getBody());
        assertThat(event.getId()).isEqualTo(id);
        assertThat(event.getSource()).isEqualTo(URI.create("/tongbao/changes"));
        assertThat(event.getType()).isEqualTo("tw.tongbao.address.changed.v1");
        assertThat(event.getSubject()).isEqualTo("TB-7F3K9QXZ2MAB");
        assertThat(event.getTime()).isEqualTo(OffsetDateTime.parse("2026-11-26T09:00:00Z"));
        Map<String, Object> data =
                JsonMapper.builder().build().readValue(event.getData().toBytes(), Map.class);
        assertThat(data)
                .containsOnlyKeys("subjectRef", "subjectId", "sequence", "effectiveDate", "name", "address")
                .containsEntry("subjectId", "A123456789")
                .containsEntry("subjectRef", delivery.addressee().subjectRef())
                .containsEntry("address", Changes.address());
    }

    @Test
    void signsWithBothSecretsDuringKeyRotation() throws Exception {
        agency.stubFor(post("/notifications").willReturn(aResponse().withStatus(200)));
        Agency nta = nta(RETIRING_SECRET, Duration.ofSeconds(5));

        attempt(nta, addressChangeFor(nta));

        LoggedRequest received = onlyRequest();
        String[] signatures = received.getHeader("webhook-signature").split(" ");
        assertThat(signatures).hasSize(2);
        assertThatCode(() -> new Webhook(SECRET).verify(received.getBodyAsString(), headersOf(received, signatures[0])))
                .doesNotThrowAnyException();
        assertThatCode(() -> new Webhook(RETIRING_SECRET)
                        .verify(received.getBodyAsString(), headersOf(received, signatures[1])))
                .doesNotThrowAnyException();
        assertThatCode(() -> new Webhook(RETIRING_SECRET).verify(received.getBodyAsString(), headersOf(received, null)))
                .doesNotThrowAnyException();
    }

    @Test
    void honoursRetryAfterOnServiceUnavailable() throws Exception {
        agency.stubFor(
                post("/notifications").willReturn(aResponse().withStatus(503).withHeader("Retry-After", "7")));

        AttemptResult result = attempt(nta(null, Duration.ofSeconds(5)));

        assertThat(result.answer()).isEqualTo(AgencyAnswer.TRANSIENT_FAILURE);
        assertThat(result.httpStatus()).isEqualTo(503);
        assertThat(result.retryAfter()).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void rejectsOnBadRequestAndKeepsTheAnswer() throws Exception {
        agency.stubFor(
                post("/notifications").willReturn(aResponse().withStatus(400).withBody("unknown district")));

        AttemptResult result = attempt(nta(null, Duration.ofSeconds(5)));

        assertThat(result.answer()).isEqualTo(AgencyAnswer.REJECTED);
        assertThat(result.httpStatus()).isEqualTo(400);
        assertThat(result.responseExcerpt()).isEqualTo("unknown district");
    }

    @Test
    void readsGoneAsAgencyDisabled() throws Exception {
        agency.stubFor(post("/notifications").willReturn(aResponse().withStatus(410)));

        assertThat(attempt(nta(null, Duration.ofSeconds(5))).answer()).isEqualTo(AgencyAnswer.AGENCY_DISABLED);
    }

    @Test
    void readsConflictAsAlreadyDelivered() throws Exception {
        agency.stubFor(post("/notifications").willReturn(aResponse().withStatus(409)));

        assertThat(attempt(nta(null, Duration.ofSeconds(5))).answer()).isEqualTo(AgencyAnswer.DELIVERED);
    }

    @Test
    void keepsOnlyTheFirstTwoKibOfTheAnswer() throws Exception {
        agency.stubFor(
                post("/notifications").willReturn(aResponse().withStatus(500).withBody("x".repeat(10_000))));

        AttemptResult result = attempt(nta(null, Duration.ofSeconds(5)));

        assertThat(result.answer()).isEqualTo(AgencyAnswer.TRANSIENT_FAILURE);
        assertThat(result.responseExcerpt()).hasSize(2048);
    }

    @Test
    void failsTransientlyWhenTheAgencyAnswersTooLate() throws Exception {
        agency.stubFor(
                post("/notifications").willReturn(aResponse().withStatus(200).withFixedDelay(3_000)));

        AttemptResult result = attempt(nta(null, Duration.ofMillis(500)));

        assertThat(result.answer()).isEqualTo(AgencyAnswer.TRANSIENT_FAILURE);
        assertThat(result.httpStatus()).isNull();
        assertThat(result.error()).contains("no answer within 500 ms");
        assertThat(result.durationMillis()).isLessThan(2_500);
    }

    @Test
    void failsTransientlyWhenTheConnectionIsRefused() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Agency nta =
                agency(URI.create("http://127.0.0.1:" + closedPort + "/notifications"), null, Duration.ofSeconds(5));

        AttemptResult result = attempt(nta);

        assertThat(result.answer()).isEqualTo(AgencyAnswer.TRANSIENT_FAILURE);
        assertThat(result.httpStatus()).isNull();
        assertThat(result.error()).startsWith("connection refused");
    }

    @Test
    void failsTransientlyWhenTheTlsHandshakeFails() throws Exception {
        WireMockServer untrusted = new WireMockServer(wireMockConfig()
                .dynamicPort()
                .dynamicHttpsPort()
                .http2TlsDisabled(true)
                .http2PlainDisabled(true));
        untrusted.start();
        try {
            Agency nta = agency(
                    URI.create("https://localhost:" + untrusted.httpsPort() + "/notifications"),
                    null,
                    Duration.ofSeconds(5));

            AttemptResult result = attempt(nta);

            assertThat(result.answer()).isEqualTo(AgencyAnswer.TRANSIENT_FAILURE);
            assertThat(result.httpStatus()).isNull();
            assertThat(result.error()).startsWith("TLS error");
        } finally {
            untrusted.stop();
        }
    }

    @Test
    void reusesOneConnectionForSuccessiveAttempts() throws Exception {
        try (CountingHttpServer server = new CountingHttpServer()) {
            Agency nta = agency(
                    URI.create("http://127.0.0.1:" + server.port() + "/notifications"), null, Duration.ofSeconds(5));

            for (int i = 0; i < 3; i++) {
                if (i > 0) {
                    // The client hands the answer over before it puts the connection back into its pool; an attempt
                    // sent within that moment opens another. Tries of one agency are rarely that close, and then
                    // bounded by its calls in flight.
                    await().atMost(Duration.ofSeconds(5)).until(() -> http.idleConnections() == 1);
                }
                assertThat(attempt(nta).answer()).isEqualTo(AgencyAnswer.DELIVERED);
            }

            assertThat(server.requests()).isEqualTo(3);
            assertThat(server.connections()).isEqualTo(1);
        }
    }

    @Test
    void opensANewConnectionWhenTheAgencyClosedTheIdleOne() throws Exception {
        try (CountingHttpServer server = new CountingHttpServer()) {
            Agency nta = agency(
                    URI.create("http://127.0.0.1:" + server.port() + "/notifications"), null, Duration.ofSeconds(5));
            assertThat(attempt(nta).answer()).isEqualTo(AgencyAnswer.DELIVERED);

            // An agency closes a keep-alive connection after it has been idle a while, not while a request is on its
            // way (a request that meets the close in flight fails and is retried by the engine, like any I/O error).
            server.closeConnections();
            await().atMost(Duration.ofSeconds(5)).until(() -> server.openConnections() == 0);

            assertThat(attempt(nta).answer()).isEqualTo(AgencyAnswer.DELIVERED);
            assertThat(server.requests()).isEqualTo(2);
            assertThat(server.connections()).isEqualTo(2);
        }
    }

    @Test
    void readsAHugeAnswerToItsEndAndKeepsTheConnection() throws Exception {
        agency.stubFor(post("/notifications")
                .willReturn(aResponse().withStatus(500).withBody("y".repeat(4 * SignedHttpPost.BODY_LIMIT))));

        AttemptResult first = attempt(nta(null, Duration.ofSeconds(5)));
        agency.stubFor(post("/notifications").willReturn(aResponse().withStatus(200)));
        AttemptResult second = attempt(nta(null, Duration.ofSeconds(5)));

        assertThat(first.answer()).isEqualTo(AgencyAnswer.TRANSIENT_FAILURE);
        assertThat(first.httpStatus()).isEqualTo(500);
        assertThat(first.responseExcerpt()).hasSize(HttpOutcome.EXCERPT_BYTES);
        assertThat(second.answer()).isEqualTo(AgencyAnswer.DELIVERED);
    }

    private AttemptResult attempt(Agency target) throws Exception {
        return attempt(target, addressChangeFor(target));
    }

    private AttemptResult attempt(Agency target, OutboundDelivery delivery) throws Exception {
        return transport.attempt(target, delivery).get(10, TimeUnit.SECONDS);
    }

    private LoggedRequest onlyRequest() {
        List<LoggedRequest> requests = agency.findAll(postRequestedFor(urlEqualTo("/notifications")));
        assertThat(requests).hasSize(1);
        return requests.get(0);
    }

    private static Map<String, List<String>> headersOf(LoggedRequest request, String signature) {
        return Map.of(
                "webhook-id",
                List.of(request.getHeader("webhook-id")),
                "webhook-timestamp",
                List.of(request.getHeader("webhook-timestamp")),
                "webhook-signature",
                List.of(signature != null ? signature : request.getHeader("webhook-signature")));
    }

    private Agency nta(String retiringSecret, Duration timeout) {
        return agency(URI.create(agency.baseUrl() + "/notifications"), retiringSecret, timeout);
    }

    static Agency agency(URI endpoint, String retiringSecret, Duration timeout) {
        return new Agency(
                new AgencyCode("NTA"),
                Map.of("zh-TW", "財政部國稅局", "en", "National Taxation Bureau"),
                Protocol.REST_JSON,
                endpoint,
                SECRET,
                retiringSecret,
                Basis.LAW,
                "稅捐稽徵法",
                Set.of(ChangeType.ADDRESS_CHANGE, ChangeType.NAME_CHANGE, ChangeType.DEATH_REPORT),
                Set.of("subjectId", "name", "address", "dateOfDeath"),
                0,
                0,
                timeout,
                null,
                null,
                0,
                null);
    }

    static OutboundDelivery addressChangeFor(Agency target) {
        ChangeFiled change = Changes.addressChange(target.code().value());
        Addressee addressee = change.addresseeFor(target.code().value()).orElseThrow();
        return new OutboundDelivery(change, addressee, EntitlementPolicy.dataFor(change, addressee, target));
    }
}
