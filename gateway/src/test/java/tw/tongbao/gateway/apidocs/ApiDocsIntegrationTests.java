package tw.tongbao.gateway.apidocs;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.core.testing.TestDatabase;
import tw.tongbao.core.testing.TestVhost;
import tw.tongbao.gateway.ReleasedAfterContext;
import tw.tongbao.gateway.ReleasedAfterContext.Release;
import tw.tongbao.gateway.TestServices;

/** The running gateway publishes its OpenAPI document and Swagger UI without a token. */
@ExtendWith(ReleasedAfterContext.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class ApiDocsIntegrationTests {

    @Release(order = 2)
    static final TestDatabase database = TestDatabase.create("gw");

    @Release(order = 1)
    static final TestVhost vhost = TestVhost.create("gw");

    static final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Autowired
    JsonMapper json;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        TestServices.register(registry, database, vhost);
    }

    @Test
    void documentsTheCitizenApiWithItsHeaderErrorsAndBearerTokens() throws Exception {
        HttpResponse<String> response = get("/v3/api-docs");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode document = json.readTree(response.body());
        assertThat(document.get("paths").has("/api/v1/changes")).isTrue();
        assertThat(document.get("paths").has("/api/v1/changes/{receipt}")).isTrue();
        JsonNode filing = document.at("/paths/~1api~1v1~1changes/post");
        assertThat(filing.get("parameters").findValuesAsString("name")).contains("Idempotency-Key");
        assertThat(filing.at("/responses/422/content").has("application/problem+json"))
                .isTrue();
        assertThat(filing.at("/security/0").has("bearer-jwt")).isTrue();
        assertThat(document.at("/components/securitySchemes/bearer-jwt/bearerFormat")
                        .asString())
                .isEqualTo("JWT");
        assertThat(document.at("/components/schemas/DeliveryView/properties").has("fields"))
                .isTrue();
    }

    @Test
    void servesSwaggerUi() throws Exception {
        HttpResponse<String> response = get("/swagger-ui/index.html");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("swagger-ui");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
