package tw.tongbao.bench.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tw.tongbao.core.signature.WebhookSecret;
import tw.tongbao.core.signature.WebhookSignature;

/** The benchmark's agency sink over real HTTP: what it records and answers for signed, unsigned and SOAP posts. */
class HttpAgencySinkTests {

    private static final String SECRET = "whsec_S5RktN0JdgmVYS/cthnsQ+rT/IK5Y8KusBELYc4RoEc=";
    private static final int AGENCY = 2;

    private final HttpClient client =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final Arrivals arrivals = new Arrivals(8);
    private HttpAgencySink sink;

    @AfterEach
    void stop() {
        sink.close();
    }

    @Test
    void recordsASignedCloudEventOnceAndAnswers200() throws Exception {
        sink = HttpAgencySink.start(AGENCY, false, SECRET, arrivals);
        String body = "{\"specversion\":\"1.0\",\"id\":\"d-1\",\"subject\": \"TB-20261128-0001\",\"data\":{}}";

        HttpResponse<String> first = post(body, signature("msg-1", body));
        HttpResponse<String> again = post(body, signature("msg-1", body));

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(arrivals.arrival("TB-20261128-0001", AGENCY)).isPresent();
        assertThat(arrivals.arrival("TB-20261128-0001", AGENCY + 1)).isEmpty();
        assertThat(arrivals.total()).isEqualTo(1);
        assertThat(arrivals.duplicates()).isEqualTo(1);
        assertThat(arrivals.unverifiedCount()).isZero();
    }

    @Test
    void refusesABodyItsSignatureDoesNotCoverWith401() throws Exception {
        sink = HttpAgencySink.start(AGENCY, false, SECRET, arrivals);
        String signed = "{\"subject\":\"TB-20261128-0002\"}";

        HttpResponse<String> tampered = post("{\"subject\":\"TB-20261128-0003\"}", signature("msg-2", signed));
        HttpResponse<String> unsigned = client.send(
                HttpRequest.newBuilder(URI.create(sink.endpoint()))
                        .POST(HttpRequest.BodyPublishers.ofString(signed))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(tampered.statusCode()).isEqualTo(401);
        assertThat(unsigned.statusCode()).isEqualTo(401);
        assertThat(arrivals.total()).isZero();
        assertThat(arrivals.unverifiedCount()).isEqualTo(2);
    }

    @Test
    void answersASoapNotificationWithItsResponseEnvelope() throws Exception {
        sink = HttpAgencySink.start(AGENCY, true, SECRET, arrivals);
        String body = "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>"
                + "<tb:ChangeNotification xmlns:tb=\"urn:tongbao:notification:v1\">"
                + "<tb:receipt>TB-20261128-0004</tb:receipt></tb:ChangeNotification></soap:Body></soap:Envelope>";

        HttpResponse<String> answer = post(body, signature("msg-3", body));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWithIgnoringCase("text/xml"));
        assertThat(answer.body()).contains("<tb:ChangeNotificationResponse");
        assertThat(arrivals.arrival("TB-20261128-0004", AGENCY)).isPresent();
    }

    private String[] signature(String id, String body) {
        long timestamp = Instant.now().getEpochSecond();
        String value = WebhookSignature.sign(
                List.of(WebhookSecret.parse(SECRET)), id, timestamp, body.getBytes(StandardCharsets.UTF_8));
        return new String[] {id, Long.toString(timestamp), value};
    }

    private HttpResponse<String> post(String body, String[] signature) throws IOException, InterruptedException {
        return client.send(
                HttpRequest.newBuilder(URI.create(sink.endpoint()))
                        .header(WebhookSignature.ID_HEADER, signature[0])
                        .header(WebhookSignature.TIMESTAMP_HEADER, signature[1])
                        .header(WebhookSignature.SIGNATURE_HEADER, signature[2])
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
