package tw.tongbao.gateway.outbox;

import java.nio.charset.StandardCharsets;
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
import tw.tongbao.core.envelope.Addressee;
import tw.tongbao.core.envelope.ChangeFiled;
import tw.tongbao.core.messaging.Topology;

/** Publishes one outbox row and waits (bounded) for the broker to confirm it. */
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

    Outcome publish(UUID changeId, String payload) {
        ChangeFiled change = json.readValue(payload, ChangeFiled.class);
        MessageProperties headers = new MessageProperties();
        headers.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        headers.setContentEncoding(StandardCharsets.UTF_8.name());
        headers.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
        headers.setMessageId(changeId.toString());
        headers.setHeader(TYPE_ID_HEADER, ChangeFiled.class.getName());
        for (Addressee addressee : change.addressees()) {
            headers.setHeader(Topology.addressedHeader(addressee.agency()), Topology.ADDRESSED);
        }
        Message message = new Message(payload.getBytes(StandardCharsets.UTF_8), headers);
        CorrelationData correlation = new CorrelationData(UUID.randomUUID().toString());
        try {
            rabbit.send(Topology.CHANGES_EXCHANGE, "", message, correlation);
            CorrelationData.Confirm confirm =
                    correlation.getFuture().get(properties.confirmTimeout().toMillis(), TimeUnit.MILLISECONDS);
            if (!confirm.ack()) {
                return Outcome.failed("the broker refused it (" + confirm.reason() + ")");
            }
            ReturnedMessage returned = correlation.getReturned();
            if (returned != null) {
                return Outcome.failed("the broker could not route it (" + returned.getReplyText() + ")");
            }
            return Outcome.CONFIRMED;
        } catch (AmqpException e) {
            return Outcome.failed("the broker is unreachable (" + e.getMessage() + ")");
        } catch (TimeoutException e) {
            return Outcome.failed("no confirm within " + properties.confirmTimeout());
        } catch (ExecutionException e) {
            return Outcome.failed("the confirm failed (" + e.getCause() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.failed("interrupted while waiting for the confirm");
        }
    }
}
