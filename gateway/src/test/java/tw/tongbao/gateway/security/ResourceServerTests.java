package tw.tongbao.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.gateway.NationalIds;
import tw.tongbao.gateway.TestTokens;

/** Who may call what: bearer tokens from the trusted issuer, staff roles, open paths, problem answers. */
@SpringBootTest(
        classes = SecuritySlice.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = SecuritySlice.NO_SERVICES)
class ResourceServerTests {

    @LocalServerPort
    int port;

    @Autowired
    JsonMapper json;

    @Autowired
    ApplicationContext context;

    @Autowired
    MeterRegistry meters;

    @Test
    void takesTheFilerFromTheTokensSubAndName() {
        String citizen = NationalIds.random();

        HttpResponse<String> response = get("/api/v1/changes", TestTokens.citizen(citizen, "陳美玲"));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode filer = json.readTree(response.body());
        assertThat(filer.get("id").stringValue()).isEqualTo(citizen);
        assertThat(filer.get("name").stringValue()).isEqualTo("陳美玲");
    }

    @Test
    void timesRequestsWithoutObservingEverySecurityFilter() {
        assertThat(get("/api/v1/changes", TestTokens.citizen(NationalIds.random()))
                        .statusCode())
                .isEqualTo(200);

        assertThat(meters.getMeters())
                .extracting(meter -> meter.getId().getName())
                .contains("http.server.requests")
                .noneMatch(name -> name.startsWith("spring.security"));
    }

    @Test
    void refusesARequestWithoutATokenWith401Problem() {
        HttpResponse<String> response = SecuritySlice.send(port, "GET", "/api/v1/changes", null);

        assertUnauthorizedProblem(response);
        assertThat(response.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(
                        header -> assertThat(header).startsWith("Bearer").doesNotContain("error="));
    }

    @Test
    void refusesATokenWithABadSignature() {
        String token = TestTokens.citizen(NationalIds.random());
        String[] parts = token.split("\\.");
        String forged =
                parts[0] + "." + TestTokens.citizen(NationalIds.random()).split("\\.")[1] + "." + parts[2];

        assertUnauthorizedProblem(get("/api/v1/changes", forged));
    }

    @Test
    void refusesATokenSignedByAnUntrustedKey() {
        assertUnauthorizedProblem(get("/api/v1/changes", TestTokens.signedByAnotherKey(NationalIds.random())));
    }

    @Test
    void refusesAnExpiredToken() {
        HttpResponse<String> response = get("/api/v1/changes", TestTokens.expired(NationalIds.random()));

        assertUnauthorizedProblem(response);
        assertThat(response.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(header -> assertThat(header).contains("invalid_token"));
    }

    @Test
    void refusesAMalformedToken() {
        assertUnauthorizedProblem(get("/api/v1/changes", "not-a-jwt"));
    }

    @Test
    void refusesATokenWhoseSubIsNoNationalIdOnCitizenEndpoints() {
        assertUnauthorizedProblem(get("/api/v1/changes", TestTokens.staff("operator-7", "OPERATOR")));
        assertUnauthorizedProblem(get("/api/v1/changes", TestTokens.custom(claims -> claims.claim("name", "無名"))));
    }

    @Test
    void forbidsCitizensTheOperatorApiWith403Problem() {
        HttpResponse<String> response = get("/api/v1/ops/agencies", TestTokens.citizen(NationalIds.random()));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(json.readTree(response.body()).get("status").asInt()).isEqualTo(403);
        assertThat(get("/api/v1/ops/no-such-thing", TestTokens.citizen(NationalIds.random()))
                        .statusCode())
                .isEqualTo(403);
    }

    @Test
    void letsAuditorsReadAndOnlyOperatorsActOnTheOperatorApi() {
        String auditor = TestTokens.staff("auditor-1", "AUDITOR");
        String operator = TestTokens.staff("operator-1", "OPERATOR");

        assertThat(get("/api/v1/ops/agencies", auditor).statusCode()).isEqualTo(200);
        assertThat(get("/api/v1/ops/agencies", operator).statusCode()).isEqualTo(200);
        assertThat(post("/api/v1/ops/agencies/NTA/pause", auditor).statusCode()).isEqualTo(403);
        assertThat(post("/api/v1/ops/agencies/NTA/pause", operator).body()).isEqualTo("paused NTA");
        assertThat(get("/api/v1/ops/no-such-thing", operator).statusCode()).isEqualTo(404);
        assertThat(get("/api/v1/ops/agencies", TestTokens.staff("someone", "ADMIN"))
                        .statusCode())
                .isEqualTo(403);
    }

    @Test
    void leavesAcknowledgementsAndHealthOpen() {
        assertThat(SecuritySlice.send(port, "POST", "/api/v1/agency/acknowledgements", null)
                        .body())
                .isEqualTo("acknowledged");
        assertThat(SecuritySlice.send(port, "GET", "/actuator/health", null).statusCode())
                .isEqualTo(200);
    }

    @Test
    void hasNoDemoIssuerOutsideTheDemoProfile() {
        HttpResponse<String> token = SecuritySlice.send(
                port, "POST", "/demo/token", null, "application/json", "{\"sub\":\"A123456789\",\"name\":\"x\"}");

        assertThat(token.statusCode()).isEqualTo(401);
        assertThat(SecuritySlice.send(port, "GET", "/demo/sign-in.html", null).statusCode())
                .isEqualTo(401);
        assertThat(get("/demo/sign-in.html", TestTokens.citizen(NationalIds.random()))
                        .statusCode())
                .isEqualTo(404);
        assertThat(context.containsBean("demoIssuer")).isFalse();
        assertThat(context.getBeanNamesForType(JwtDecoder.class)).doesNotContain("demoJwtDecoder");
    }

    private HttpResponse<String> get(String path, String token) {
        return SecuritySlice.send(port, "GET", path, TestTokens.bearer(token));
    }

    private HttpResponse<String> post(String path, String token) {
        return SecuritySlice.send(port, "POST", path, TestTokens.bearer(token));
    }

    private void assertUnauthorizedProblem(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = json.readTree(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(401);
        assertThat(problem.get("title").stringValue()).isEqualTo("Not authenticated");
        assertThat(response.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(header -> assertThat(header).startsWith("Bearer"));
    }
}
