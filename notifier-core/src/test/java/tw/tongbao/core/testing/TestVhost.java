package tw.tongbao.core.testing;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;

/** A fresh RabbitMQ virtual host for one test run (made through the management API), deleted on close. */
public final class TestVhost implements AutoCloseable {

    private static final String HOST = System.getProperty("tongbao.test.rabbitmq.host", "127.0.0.1");
    private static final int PORT = Integer.getInteger("tongbao.test.rabbitmq.port", 5672);
    private static final int MANAGEMENT_PORT = Integer.getInteger("tongbao.test.rabbitmq.management-port", 15672);
    private static final String USER = System.getProperty("tongbao.test.rabbitmq.user", "guest");
    private static final String PASSWORD = System.getProperty("tongbao.test.rabbitmq.password", "guest");
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final String name;

    private TestVhost(String name) {
        this.name = name;
    }

    /** Creates {@code tongbao-test-<prefix>-<random>} and grants the test user everything in it. */
    public static TestVhost create(String prefix) {
        String name =
                "tongbao-test-" + prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        management("PUT", "/api/vhosts/" + encode(name), "{}");
        management(
                "PUT",
                "/api/permissions/" + encode(name) + "/" + encode(USER),
                "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}");
        return new TestVhost(name);
    }

    /** The virtual host's name. */
    public String name() {
        return name;
    }

    /** The broker's host. */
    public String host() {
        return HOST;
    }

    /** The broker's AMQP port. */
    public int port() {
        return PORT;
    }

    /** The user to connect as. */
    public String username() {
        return USER;
    }

    /** The user's password. */
    public String password() {
        return PASSWORD;
    }

    @Override
    public void close() {
        management("DELETE", "/api/vhosts/" + encode(name), null);
    }

    private static String encode(String part) {
        return URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static void management(String method, String path, String body) {
        String auth = Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + MANAGEMENT_PORT + path))
                .header("Authorization", "Basic " + auth)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300 && !(method.equals("DELETE") && response.statusCode() == 404)) {
                throw new IllegalStateException("RabbitMQ management API answered " + response.statusCode() + " to "
                        + method + " " + path + ": " + response.body());
            }
        } catch (IOException e) {
            throw new IllegalStateException(
                    "RabbitMQ management API unreachable at port " + MANAGEMENT_PORT
                            + " (is rabbitmq_management enabled?)",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted talking to RabbitMQ management API", e);
        }
    }
}
