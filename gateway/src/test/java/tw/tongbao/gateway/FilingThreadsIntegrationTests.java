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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
 * A filing waiting for its commit holds no request thread (real HTTP, PostgreSQL, RabbitMQ): with two request threads
 * and the filing writers held up by a lock, eight filings wait and the gateway still answers another request; once the
 * lock goes, all eight are answered 202 and stored.
 */
@ExtendWith(ReleasedAfterContext.class)
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"server.tomcat.threads.max=2", "server.tomcat.threads.min-spare=1"})
@DirtiesContext
class FilingThreadsIntegrationTests {

    @Release(order = 2)
    static final TestDatabase database = TestDatabase.create("gwthreads");

    @Release(order = 1)
    static final TestVhost vhost = TestVhost.create("gwthreads");

    static final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static final int FILINGS = 8;

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
    void answersOtherRequestsWhileMoreFilingsThanRequestThreadsWaitForTheirCommit() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> filings = new ArrayList<>();
        try (FilingsHeldUp held = FilingsHeldUp.in(database)) {
            for (int i = 0; i < FILINGS; i++) {
                filings.add(file(NationalIds.random(), "threads-" + i));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> writersWaitingForTheLock() > 0);

            HttpResponse<String> health = http.sendAsync(
                            HttpRequest.newBuilder(uri("/actuator/health/liveness"))
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .get(10, TimeUnit.SECONDS);

            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(filings).noneMatch(CompletableFuture::isDone);
        }

        List<String> receipts = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> filing : filings) {
            HttpResponse<String> answer = filing.get(30, TimeUnit.SECONDS);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
            receipts.add(json.readTree(answer.body()).get("receipt").stringValue());
        }
        assertThat(jdbc.queryForObject("select count(*) from change where receipt = any(?)", Integer.class, (Object)
                        receipts.toArray(String[]::new)))
                .isEqualTo(FILINGS);
    }

    private int writersWaitingForTheLock() {
        return jdbc.queryForObject(
                "select count(*) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
                Integer.class);
    }

    private CompletableFuture<HttpResponse<String>> file(String citizen, String key) {
        HttpRequest request = HttpRequest.newBuilder(uri("/api/v1/changes"))
                .header("Content-Type", "application/json")
                .header("Authorization", TestTokens.bearer(TestTokens.citizen(citizen)))
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(Changes.addressChange(
                        citizen,
                        LocalDate.now(ZoneId.of("Asia/Taipei")).plusDays(5).toString()))))
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
