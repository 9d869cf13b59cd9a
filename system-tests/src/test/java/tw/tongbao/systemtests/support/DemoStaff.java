package tw.tongbao.systemtests.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * People signed in through the gateway's demo issuer ({@code --spring.profiles.active=demo}, {@code POST
 * /demo/token}): citizens who file and operators who use the operator API, over HTTP.
 */
public final class DemoStaff {

    /** The gateway argument that turns the demo issuer on. */
    public static final String DEMO_PROFILE = "--spring.profiles.active=demo";

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final URI gateway;
    private final String token;

    private DemoStaff(URI gateway, String token) {
        this.gateway = gateway;
        this.token = token;
    }

    /** A person with the given roles (none for a citizen), signed in at the demo issuer. */
    public static DemoStaff signIn(URI gateway, String nationalId, String name, String... roles) {
        String body = JSON.writeValueAsString(Map.of("sub", nationalId, "name", name, "roles", List.of(roles)));
        HttpResponse<String> response = send(HttpRequest.newBuilder(gateway.resolve("/demo/token"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build());
        if (response.statusCode() != 200) {
            throw new AssertionError("demo token: " + response.statusCode() + " " + response.body());
        }
        JsonNode answer = JSON.readTree(response.body());
        JsonNode token = answer.has("token") ? answer.get("token") : answer.get("access_token");
        return new DemoStaff(gateway, token.asString());
    }

    /** Files a change that must be accepted, returning its receipt. */
    public String file(String changeJson) {
        HttpResponse<String> response = send(authorized("/api/v1/changes")
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .POST(HttpRequest.BodyPublishers.ofString(changeJson, StandardCharsets.UTF_8))
                .build());
        if (response.statusCode() != 202) {
            throw new AssertionError("filing answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body()).get("receipt").asString();
    }

    /** {@code GET} on the gateway, parsed; must answer 200. */
    public JsonNode get(String path) {
        HttpResponse<String> response = send(authorized(path).GET().build());
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** {@code POST} a JSON body on the gateway. */
    public HttpResponse<String> post(String path, String json) {
        return send(authorized(path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8))
                .build());
    }

    /** Every delivery of one agency as the operator API lists them (first page of 200). */
    public List<JsonNode> deliveries(String agency) {
        return get("/api/v1/ops/deliveries?size=200&agency=" + agency).get("items").values().stream()
                .toList();
    }

    private HttpRequest.Builder authorized(String path) {
        return HttpRequest.newBuilder(gateway.resolve(path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token);
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
