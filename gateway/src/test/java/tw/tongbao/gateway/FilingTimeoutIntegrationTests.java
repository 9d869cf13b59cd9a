package tw.tongbao.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.core.testing.TestDatabase;
import tw.tongbao.core.testing.TestVhost;
import tw.tongbao.gateway.ReleasedAfterContext.Release;
import tw.tongbao.gateway.citizen.Changes;

/**
 * A filing that does not commit within the request timeout is answered 503 and may still commit (real HTTP,
 * PostgreSQL, RabbitMQ): a citizen's app that sends it again with the same Idempotency-Key, while it waits and after,
 * gets the change once, with one receipt.
 */
@ExtendWith(ReleasedAfterContext.class)
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.mvc.async.request-timeout=1s")
@DirtiesContext
class FilingTimeoutIntegrationTests {

    @Release(order = 2)
    static final TestDatabase database = TestDatabase.create("gwtimeout");

    @Release(order = 1)
    static final TestVhost vhost = TestVhost.create("gwtimeout");

    static final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Autowired
    JsonMapper json;

    @Autowired
    JdbcTemplate jdbc;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        TestServices.register(registry, database, vhost);
    }

    @Test
    void aFilingAnswered503BeforeItsCommitAndSentAgainWithItsKeyIsFiledOnce() throws Exception {
        String citizen = NationalIds.random();
        byte[] body = json.writeValueAsBytes(Changes.addressChange(
                citizen, LocalDate.now(ZoneId.of("Asia/Taipei")).plusDays(5).toString()));
        try (FilingsHeldUp held = FilingsHeldUp.in(database)) {

            HttpResponse<String> first = file(citizen, "timeout-1", body);
            HttpResponse<String> again = file(citizen, "timeout-1", body);

            for (HttpResponse<String> answer : List.of(first, again)) {
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
                assertThat(answer.headers().firstValue("Retry-After")).hasValue("1");
                assertThat(answer.body()).contains("same Idempotency-Key");
            }
            assertThat(changesOf(citizen)).isZero();
        }
        // The first try commits once the lock is gone; the second finds the key taken.
        await().atMost(Duration.ofSeconds(20)).until(() -> changesOf(citizen) == 1);

        HttpResponse<String> third = file(citizen, "timeout-1", body);

        assertThat(third.statusCode()).as(third.body()).isEqualTo(202);
        assertThat(json.readTree(third.body()).get("receipt").stringValue())
                .isEqualTo(
                        jdbc.queryForObject("select receipt from change where subject_id = ?", String.class, citizen));
        assertThat(changesOf(citizen)).isEqualTo(1);
    }

    private int changesOf(String citizen) {
        return jdbc.queryForObject("select count(*) from change where subject_id = ?", Integer.class, citizen);
    }

    private HttpResponse<String> file(String citizen, String key, byte[] body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri("/api/v1/changes"))
                .header("Content-Type", "application/json")
                .header("Authorization", TestTokens.bearer(TestTokens.citizen(citizen)))
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).get(30, TimeUnit.SECONDS);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
