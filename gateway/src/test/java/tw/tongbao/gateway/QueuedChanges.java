package tw.tongbao.gateway;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.core.envelope.ChangeFiledBatch;
import tw.tongbao.core.messaging.Topology;

/** Reads a message taken from an agency's queue as the adapters do: a lone change, or a batch split into its changes. */
public final class QueuedChanges {

    private static final String ADDRESSED_PREFIX = Topology.addressedHeader("");

    private QueuedChanges() {}

    /**
     * A change as an agency's adapter takes it from its queue.
     *
     * @param message the message it came in, alone or in a batch
     * @param change its bytes
     */
    public record Received(Message message, byte[] change) {}

    /**
     * Takes messages off the agency's queue until one holding the change with {@code receipt} for that agency arrives
     * (others belong to other tests), and returns that change.
     */
    public static Received awaitChange(RabbitTemplate rabbit, JsonMapper json, String agency, String receipt) {
        List<Received> found = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            Message message = rabbit.receive(Topology.agencyQueue(agency), 500);
            if (message != null) {
                found.addAll(withReceipt(json, agency, receipt, message));
            }
            return !found.isEmpty();
        });
        return found.get(0);
    }

    /** Every change with {@code receipt} for the agency still waiting on its queue. */
    public static List<Received> remaining(RabbitTemplate rabbit, JsonMapper json, String agency, String receipt) {
        List<Received> matching = new ArrayList<>();
        Message message;
        while ((message = rabbit.receive(Topology.agencyQueue(agency), 1000)) != null) {
            matching.addAll(withReceipt(json, agency, receipt, message));
        }
        return matching;
    }

    private static List<Received> withReceipt(JsonMapper json, String agency, String receipt, Message message) {
        return addressedTo(json, agency, message).stream()
                .filter(change ->
                        receipt.equals(json.readTree(change).path("receipt").asString()))
                .map(change -> new Received(message, change))
                .toList();
    }

    /** Whether the message is a {@link ChangeFiledBatch} rather than a lone change. */
    public static boolean isBatch(Message message) {
        return ChangeFiledBatch.TYPE_ID.equals(message.getMessageProperties().getHeader("__TypeId__"));
    }

    /** Every change the message holds, each as its bytes, in order. */
    public static List<byte[]> all(JsonMapper json, Message message) {
        return isBatch(message) ? ChangeFiledBatch.split(json, message.getBody()) : List.of(message.getBody());
    }

    /**
     * What the adapter of {@code agency} takes from a message on its queue: a lone change, which its routing sent there,
     * or the changes of a batch addressed to that agency, in order.
     */
    public static List<byte[]> addressedTo(JsonMapper json, String agency, Message message) {
        if (!isBatch(message)) {
            return List.of(message.getBody());
        }
        return ChangeFiledBatch.split(json, message.getBody()).stream()
                .filter(change -> agenciesOf(json, change).contains(agency))
                .toList();
    }

    /** The agencies a change (its stored bytes) is addressed to. */
    public static Set<String> agenciesOf(JsonMapper json, byte[] change) {
        Set<String> agencies = new TreeSet<>();
        for (JsonNode addressee : json.readTree(change).path("addressees").values()) {
            agencies.add(addressee.path("agency").asString());
        }
        return agencies;
    }

    /** The agencies the message's addressed headers name. */
    public static Set<String> addressedHeaders(Message message) {
        Set<String> agencies = new TreeSet<>();
        message.getMessageProperties().getHeaders().forEach((name, value) -> {
            if (name.startsWith(ADDRESSED_PREFIX) && Topology.ADDRESSED.equals(String.valueOf(value))) {
                agencies.add(name.substring(ADDRESSED_PREFIX.length()));
            }
        });
        return agencies;
    }
}
