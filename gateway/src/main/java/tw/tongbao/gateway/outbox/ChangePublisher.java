package tw.tongbao.gateway.outbox;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.ReturnedMessage;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.core.envelope.ChangeFiled;
import tw.tongbao.core.messaging.Topology;

/**
 * Publishes outbox rows, many to a message, with correlated confirms and waits (bounded) for the broker to confirm them.
 */
@Component
class ChangePublisher {

    private final RabbitTemplate rabbit;
    private final JsonMapper json;
    private final OutboxProperties properties;

    ChangePublisher(RabbitTemplate rabbit, JsonMapper json, OutboxProperties properties) {
        this.rabbit = rabbit;
        this.json = json;
        this.properties = properties;
    }

    /**
     * What became of one change's publish: what became of the message holding it.
     *
     * @param confirmed the broker confirmed the message and routed it rather than returning it
     * @param failure why not, or null
     */
    record Outcome(boolean confirmed, String failure) {

        static final Outcome CONFIRMED = new Outcome(true, null);

        static Outcome failed(String why) {
            return new Outcome(false, why);
        }
    }

    /**
     * Publishes the changes in the given order on one channel, packed into messages ({@link ChangeMessages}), with every
     * confirm in flight, then waits for all of them together (at most the confirm timeout in all); the outcomes are one
     * per change, in the same order, each its message's.
     */
    List<Outcome> publishAll(List<Pending> changes) {
        List<ChangeMessages.Outgoing> messages =
                ChangeMessages.pack(json, changes, properties.changesPerMessage(), properties.messageBytes());
        List<CorrelationData> sent = new ArrayList<>(messages.size());
        String unreachable = null;
        try {
            // One channel for the whole batch, so the broker receives the changes in the order they were filed.
            rabbit.invoke(operations -> {
                for (ChangeMessages.Outgoing outgoing : messages) {
                    CorrelationData correlation =
                            new CorrelationData(UUID.randomUUID().toString());
                    operations.send(Topology.CHANGES_EXCHANGE, "", outgoing.message(), correlation);
                    sent.add(correlation);
                }
                return null;
            });
        } catch (AmqpException e) {
            unreachable = "the broker is unreachable (" + e.getMessage() + ")";
        }
        long deadline = System.nanoTime() + properties.confirmTimeout().toNanos();
        List<Outcome> outcomes = new ArrayList<>(changes.size());
        for (int i = 0; i < messages.size(); i++) {
            Outcome outcome = i < sent.size() ? await(sent.get(i), deadline) : Outcome.failed(unreachable);
            outcomes.addAll(Collections.nCopies(messages.get(i).changes(), outcome));
        }
        return outcomes;
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
