package tw.tongbao.gateway.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.gateway.TestTokens;
import tw.tongbao.gateway.security.SecuritySlice;

/** The demo profile: a local issuer whose tokens the gateway trusts, its JWK set and its sign-in page. */
@SpringBootTest(
        classes = SecuritySlice.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = SecuritySlice.NO_SERVICES)
@ActiveProfiles("demo")
class DemoSignInTests {

    @LocalServerPort
    int port;

    @Autowired
    JsonMapper json;

    @Autowired
    ApplicationContext context;

    @Test
    void issuesATokenForAFormThatTheGatewayTrusts() {
        HttpResponse<String> response = send(
                "POST",
                "/demo/token",
                null,
                "application/x-www-form-urlencoded",
                "sub=F131104093&name=%E9%99%B3%E5%BF%97%E6%98%8E");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode token = json.readTree(response.body());
        assertThat(token.get("token_type").stringValue()).isEqualTo("Bearer");
        assertThat(token.get("expires_in").asLong()).isEqualTo(3600);
        JsonNode filer = json.readTree(
                send("GET", "/api/v1/changes", bearer(token), null, null).body());
        assertThat(filer.get("id").stringValue()).isEqualTo("F131104093");
        assertThat(filer.get("name").stringValue()).isEqualTo("陳志明");
    }

    @Test
    void issuesStaffTokensForJsonWithRoles() {
        JsonNode operator = json.readTree(send(
                        "POST",
                        "/demo/token",
                        null,
                        "application/json",
                        "{\"sub\":\"A123456789\",\"name\":\"王小明\",\"roles\":[\"OPERATOR\"]}")
                .body());
        JsonNode citizen = json.readTree(
                send("POST", "/demo/token", null, "application/json", "{\"sub\":\"A123456789\",\"name\":\"王小明\"}")
                        .body());

        assertThat(send("POST", "/api/v1/ops/agencies/NTA/pause", bearer(operator), null, null)
                        .statusCode())
                .isEqualTo(200);
        assertThat(send("GET", "/api/v1/ops/agencies", bearer(citizen), null, null)
                        .statusCode())
                .isEqualTo(403);
    }

    @Test
    void refusesAnInvalidIdOrUnknownRoleWith422() {
        HttpResponse<String> response = send(
                "POST",
                "/demo/token",
                null,
                "application/json",
                "{\"sub\":\"A123456788\",\"name\":\"\",\"roles\":[\"ADMIN\"]}");

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(json.readTree(response.body()).get("errors").values())
                .extracting(error -> error.get("field").stringValue())
                .containsExactly("sub", "name", "roles");
    }

    @Test
    void servesItsJwkSetAndTheSignInPageWithoutAToken() {
        JsonNode jwks =
                json.readTree(send("GET", "/demo/jwks.json", null, null, null).body());
        assertThat(jwks.get("keys").get(0).get("kty").stringValue()).isEqualTo("RSA");
        assertThat(jwks.get("keys").get(0).has("d")).as("no private part").isFalse();

        HttpResponse<String> page = send("GET", "/demo/sign-in.html", null, null, null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("示範登入 — demo only", "sign-in.js");
        assertThat(send("GET", "/demo/sign-in.js", null, null, null).body()).contains("tongbao.token");
    }

    @Test
    void trustsOnlyTheDemoIssuer() {
        assertThat(context.getBean(JwtDecoder.class)).isSameAs(context.getBean("demoJwtDecoder"));
        assertThat(send("GET", "/api/v1/changes", TestTokens.bearer(TestTokens.citizen("A123456789")), null, null)
                        .statusCode())
                .isEqualTo(401);
    }

    private static String bearer(JsonNode token) {
        return "Bearer " + token.get("access_token").stringValue();
    }

    private HttpResponse<String> send(String method, String path, String authorization, String type, String body) {
        return SecuritySlice.send(port, method, path, authorization, type, body);
    }
}
