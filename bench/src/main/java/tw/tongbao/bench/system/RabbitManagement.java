package tw.tongbao.bench.system;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The RabbitMQ management API on 127.0.0.1:15672 as guest: vhosts and queue depths. */
public final class RabbitManagement {

    private static final URI API = URI.create("http://127.0.0.1:15672/api/");
    private static final String AUTH =
            "Basic " + Base64.getEncoder().encodeToString("guest:guest".getBytes(StandardCharsets.UTF_8));
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private RabbitManagement() {}

    /** Creates a vhost and gives guest every permission on it. */
    public static void createVhost(String vhost) {
        call("PUT", "vhosts/" + encode(vhost), "{}");
        call(
                "PUT",
                "permissions/" + encode(vhost) + "/guest",
                "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}");
    }

    /** Deletes a vhost and everything in it. */
    public static void deleteVhost(String vhost) {
        call("DELETE", "vhosts/" + encode(vhost), null);
    }

    /** Messages (ready and unacknowledged) in the vhost's queues whose names start with {@code prefix}. */
    public static long messages(String vhost, String prefix) {
        JsonNode queues = JSON.readTree(call("GET", "queues/" + encode(vhost) + "?columns=name,messages", null));
        long total = 0;
        for (JsonNode queue : queues) {
            if (queue.path("name").asString().startsWith(prefix)) {
                total += queue.path("messages").asLong(0);
            }
        }
        return total;
    }

    private static String call(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(API.resolve(path))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", AUTH)
                .header("Content-Type", "application/json");
        request.method(
                method,
                body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300 && !(method.equals("DELETE") && response.statusCode() == 404)) {
                throw new IllegalStateException(
                        method + " " + path + " answered " + response.statusCode() + ": " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException(
                    "RabbitMQ management API unreachable at " + API + " (" + e
                            + "); the benchmark needs it: rabbitmq-plugins enable rabbitmq_management",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
