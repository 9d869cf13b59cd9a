package tw.tongbao.gateway.outbox;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.ReturnedMessage;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.core.envelope.ChangeFiled;
import tw.tongbao.core.messaging.Topology;

/** Publishes outbox rows with correlated confirms and waits (bounded) for the broker to confirm them. */
@Component
class ChangePublisher {

    /** The header Spring AMQP's JSON converters read the payload type from. */
    private static final String TYPE_ID_HEADER = "__TypeId__";

    private final RabbitTemplate rabbit;
    private final JsonMapper json;
    private final OutboxProperties properties;

    ChangePublisher(RabbitTemplate rabbit, JsonMapper json, OutboxProperties properties) {
        this.rabbit = rabbit;
        this.json = json;
        this.properties = properties;
    }

    /**
     * What became of one publish.
     *
     * @param confirmed the broker confirmed it and routed it to every addressed queue
     * @param failure why not, or null
     */
    record Outcome(boolean confirmed, String failure) {

        static final Outcome CONFIRMED = new Outcome(true, null);

        static Outcome failed(String why) {
            return new Outcome(false, why);
        }
    }

    /**
     * Publishes the changes in the given order on one channel, with every confirm in flight, then waits for all of them
     * together (at most the confirm timeout in all); the outcomes are in the same order.
     */
    List<Outcome> publishAll(List<Pending> changes) {
        List<CorrelationData> sent = new ArrayList<>(changes.size());
        String unreachable = null;
        try {
            // One channel for the whole batch, so the broker receives the changes in the order they were filed.
            rabbit.invoke(operations -> {
                for (Pending change : changes) {
                    CorrelationData correlation =
                            new CorrelationData(UUID.randomUUID().toString());
                    operations.send(Topology.CHANGES_EXCHANGE, "", message(change), correlation);
                    sent.add(correlation);
                }
                return null;
            });
        } catch (AmqpException e) {
            unreachable = "the broker is unreachable (" + e.getMessage() + ")";
        }
        long deadline = System.nanoTime() + properties.confirmTimeout().toNanos();
        List<Outcome> outcomes = new ArrayList<>(changes.size());
        for (int i = 0; i < changes.size(); i++) {
            outcomes.add(i < sent.size() ? await(sent.get(i), deadline) : Outcome.failed(unreachable));
        }
        return outcomes;
    }

    private Message message(Pending change) {
        MessageProperties headers = new MessageProperties();
        headers.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        headers.setContentEncoding(StandardCharsets.UTF_8.name());
        headers.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
        headers.setMessageId(change.changeId().toString());
        headers.setHeader(TYPE_ID_HEADER, ChangeFiled.class.getName());
        for (String agency : AddressedAgencies.of(json, change.payload())) {
            headers.setHeader(Topology.addressedHeader(agency), Topology.ADDRESSED);
        }
        // The bytes the filing wrote, as the database gives them back: never decoded, never encoded again.
        return new Message(change.payload(), headers);
    }

    private Outcome await(CorrelationData correlation, long deadlineNanos) {
        try {
            long left = Math.max(0, deadlineNanos - System.nanoTime());
            CorrelationData.Confirm confirm = correlation.getFuture().get(left, TimeUnit.NANOSECONDS);
            if (!confirm.ack()) {
                return Outcome.failed("the broker refused it (" + confirm.reason() + ")");
            }
            ReturnedMessage returned = correlation.getReturned();
            if (returned != null) {
                return Outcome.failed("the broker could not route it (" + returned.getReplyText() + ")");
            }
            return Outcome.CONFIRMED;
        } catch (TimeoutException e) {
            return Outcome.failed("no confirm within " + properties.confirmTimeout());
        } catch (ExecutionException e) {
            return Outcome.failed("the confirm failed (" + e.getCause() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.failed("interrupted while waiting for the confirm");
        }
    }

    /** An outbox row to publish: the change's id and its {@link ChangeFiled} as UTF-8 JSON. */
    record Pending(UUID changeId, byte[] payload) {}
}
