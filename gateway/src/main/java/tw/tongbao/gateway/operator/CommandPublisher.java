package tw.tongbao.gateway.operator;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.ReturnedMessage;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.stereotype.Component;
import tw.tongbao.core.control.AgencyCommand;
import tw.tongbao.core.control.DeliveryCommand;
import tw.tongbao.core.control.OperatorCommand;
import tw.tongbao.core.control.ReplayCommand;
import tw.tongbao.core.messaging.Topology;

/**
 * Sends one operator command to {@code tongbao.control} (mandatory, persistent, JSON through the shared converter)
 * and waits, bounded, for the broker's correlated confirm.
 */
@Component
class CommandPublisher {

    private final RabbitTemplate rabbit;
    private final OpsProperties properties;

    CommandPublisher(RabbitTemplate rabbit, OpsProperties properties) {
        this.rabbit = rabbit;
        this.properties = properties;
    }

    /**
     * What became of one command.
     *
     * @param confirmed the broker confirmed it and routed it
     * @param failure why not, or null
     */
    record Sent(boolean confirmed, String failure) {}

    /** The routing key that names the command's type (docs/architecture.md, operator commands). */
    static String routingKey(OperatorCommand command) {
        if (command instanceof AgencyCommand) {
            return Topology.AGENCY_COMMAND_ROUTING_KEY;
        }
        if (command instanceof DeliveryCommand) {
            return Topology.DELIVERY_COMMAND_ROUTING_KEY;
        }
        if (command instanceof ReplayCommand) {
            return Topology.REPLAY_COMMAND_ROUTING_KEY;
        }
        throw new IllegalArgumentException(
                "no routing key for " + command.getClass().getName());
    }

    Sent send(OperatorCommand command) {
        CorrelationData correlation = new CorrelationData(command.commandId().toString());
        try {
            rabbit.convertAndSend(
                    Topology.CONTROL_EXCHANGE,
                    routingKey(command),
                    command,
                    message -> {
                        message.getMessageProperties()
                                .setMessageId(command.commandId().toString());
                        return message;
                    },
                    correlation);
            CorrelationData.Confirm confirm =
                    correlation.getFuture().get(properties.confirmTimeout().toMillis(), TimeUnit.MILLISECONDS);
            if (!confirm.ack()) {
                return new Sent(false, "the broker refused the command (" + confirm.reason() + ")");
            }
            ReturnedMessage returned = correlation.getReturned();
            if (returned != null) {
                return new Sent(false, "the broker could not route the command (" + returned.getReplyText() + ")");
            }
            return new Sent(true, null);
        } catch (AmqpException e) {
            return new Sent(false, "the broker is unreachable (" + e.getMessage() + ")");
        } catch (TimeoutException e) {
            return new Sent(false, "no confirm within " + properties.confirmTimeout());
        } catch (ExecutionException e) {
            return new Sent(false, "the confirm failed (" + e.getCause() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Sent(false, "interrupted while waiting for the confirm");
        }
    }
}
