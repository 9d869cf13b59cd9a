package tw.tongbao.systemtests.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A signed-in citizen talking to the gateway's citizen API over HTTP. */
public final class Citizen {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final URI gateway;
    private final String nationalId;
    private final String name;
    private final TokenSource signIn;

    Citizen(URI gateway, String nationalId, String name, TokenSource signIn) {
        this.gateway = gateway;
        this.nationalId = nationalId;
        this.name = name;
        this.signIn = signIn;
    }

    /** {@code POST /api/v1/changes}. */
    public HttpResponse<String> file(String body, String idempotencyKey) {
        HttpRequest request = signedIn(HttpRequest.newBuilder(gateway.resolve("/api/v1/changes")))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        return send(request);
    }

    /** Files a change that must be accepted, returning its receipt. */
    public String fileAccepted(String body, String idempotencyKey) {
        HttpResponse<String> response = file(body, idempotencyKey);
        if (response.statusCode() != 202) {
            throw new AssertionError("expected 202, got " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body()).get("receipt").asString();
    }

    /** {@code GET /api/v1/changes/{receipt}}, parsed. */
    public JsonNode change(String receipt) {
        HttpResponse<String> response =
                send(signedIn(HttpRequest.newBuilder(gateway.resolve("/api/v1/changes/" + receipt)))
                        .GET()
                        .build());
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + receipt + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** The status of the delivery to one agency, as the citizen sees it. */
    public String deliveryStatus(String receipt, String agency) {
        for (JsonNode delivery : change(receipt).get("deliveries")) {
            if (delivery.get("agency").asString().equals(agency)) {
                return delivery.get("status").asString();
            }
        }
        throw new AssertionError("change " + receipt + " has no delivery to " + agency);
    }

    private HttpRequest.Builder signedIn(HttpRequest.Builder builder) {
        // A fresh token per request, so a long test never outlives its sign-in.
        return builder.timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + signIn.token(nationalId, name));
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("gateway unreachable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
