package tw.tongbao.gateway.status;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.MessageListenerContainer;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.core.messaging.Topology;
import tw.tongbao.core.testing.TestVhost;

/** The gateway's reports queue in a test vhost, reached directly: publish to it and see what it holds. */
final class ReportsQueue implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final TestVhost vhost;
    private final CachingConnectionFactory connection;
    private final RabbitTemplate rabbit;

    ReportsQueue(TestVhost vhost) {
        this.vhost = vhost;
        connection = new CachingConnectionFactory(vhost.host(), vhost.port());
        connection.setVirtualHost(vhost.name());
        connection.setUsername(vhost.username());
        connection.setPassword(vhost.password());
        rabbit = new RabbitTemplate(connection);
    }

    /** Publishes the messages to the reports exchange, in order. */
    void publish(List<Message> messages) {
        messages.forEach(message -> rabbit.send(Topology.REPORTS_EXCHANGE, Topology.REPORTS_ROUTING_KEY, message));
    }

    /** Publishes while the listener is stopped, so that it finds all of them waiting when it starts. */
    void publishWhileStopped(MessageListenerContainer listener, List<Message> messages) {
        listener.stop();
        publish(messages);
        await().atMost(Duration.ofSeconds(30)).until(() -> ready() == messages.size());
        listener.start();
    }

    /** How many messages wait in the queue. */
    long ready() {
        RabbitAdmin admin = new RabbitAdmin(connection);
        return ((Number) admin.getQueueProperties(Topology.REPORTS_QUEUE).get(RabbitAdmin.QUEUE_MESSAGE_COUNT))
                .longValue();
    }

    /** How many messages the broker has redelivered from the queue (management API, refreshed every ~5 s). */
    long redelivered() throws Exception {
        String management =
                "http://" + vhost.host() + ":" + Integer.getInteger("tongbao.test.rabbitmq.management-port", 15672);
        String path = "/api/queues/" + URLEncoder.encode(vhost.name(), StandardCharsets.UTF_8) + "/"
                + URLEncoder.encode(Topology.REPORTS_QUEUE, StandardCharsets.UTF_8);
        String auth = Base64.getEncoder()
                .encodeToString((vhost.username() + ":" + vhost.password()).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(management + path))
                        .header("Authorization", "Basic " + auth)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return JsonMapper.builder()
                .build()
                .readTree(response.body())
                .path("message_stats")
                .path("redeliver")
                .asLong(0);
    }

    @Override
    public void close() {
        connection.destroy();
    }
}
