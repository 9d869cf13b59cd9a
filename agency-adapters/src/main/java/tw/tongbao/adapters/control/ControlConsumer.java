package tw.tongbao.adapters.control;

import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.sql.Timestamp;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareMessageListener;
import org.springframework.amqp.support.converter.ClassMapper;
import org.springframework.amqp.support.converter.JacksonJsonMessageConverter;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.adapters.AdaptersProperties;
import tw.tongbao.adapters.report.ReportRelay;
import tw.tongbao.adapters.transport.Dispatchers;
import tw.tongbao.core.control.AgencyCommand;
import tw.tongbao.core.control.DeliveryCommand;
import tw.tongbao.core.control.OperatorCommand;
import tw.tongbao.core.control.ReplayCommand;
import tw.tongbao.core.messaging.Topology;

/**
 * Takes operator commands from {@code tongbao.adapters.control}, one at a time, applies each, commits, then
 * acknowledges; a command that can never apply is set aside in {@code poison_message}; while the database is
 * unreachable the command stays on the queue.
 */
@Component
class ControlConsumer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ControlConsumer.class);

    private final SimpleMessageListenerContainer container;
    private final JacksonJsonMessageConverter converter;
    private final OperatorCommands commands;
    private final Dispatchers dispatchers;
    private final ReportRelay relay;
    private final JdbcClient jdbc;
    private final AdaptersProperties properties;
    private final Clock clock;
    private volatile boolean running;

    ControlConsumer(
            ConnectionFactory connectionFactory,
            OperatorCommands commands,
            Dispatchers dispatchers,
            ReportRelay relay,
            JdbcClient jdbc,
            AdaptersProperties properties,
            JsonMapper json,
            Clock clock) {
        this.commands = commands;
        this.dispatchers = dispatchers;
        this.relay = relay;
        this.jdbc = jdbc;
        this.properties = properties;
        this.clock = clock;
        this.converter = new JacksonJsonMessageConverter(json, "tw.tongbao.core.control");
        // The routing key names the command's type, so the gateway's type-id header is not needed.
        this.converter.setClassMapper(new ClassMapper() {
            @Override
            public void fromClass(Class<?> clazz, MessageProperties messageProperties) {}

            @Override
            public Class<?> toClass(MessageProperties messageProperties) {
                return commandType(messageProperties.getReceivedRoutingKey());
            }
        });
        this.container = new SimpleMessageListenerContainer(connectionFactory);
        container.setQueueNames(Topology.CONTROL_QUEUE);
        container.setAcknowledgeMode(AcknowledgeMode.MANUAL);
        container.setPrefetchCount(1);
        container.setConcurrentConsumers(1);
        container.setDefaultRequeueRejected(false);
        container.setMessageListener((ChannelAwareMessageListener) this::onMessage);
        container.afterPropertiesSet();
    }

    static Class<?> commandType(String routingKey) {
        if (Topology.AGENCY_COMMAND_ROUTING_KEY.equals(routingKey)) {
            return AgencyCommand.class;
        }
        if (Topology.DELIVERY_COMMAND_ROUTING_KEY.equals(routingKey)) {
            return DeliveryCommand.class;
        }
        if (Topology.REPLAY_COMMAND_ROUTING_KEY.equals(routingKey)) {
            return ReplayCommand.class;
        }
        throw new IllegalArgumentException("no command is sent with routing key " + routingKey);
    }

    private void onMessage(Message message, Channel channel) throws IOException {
        long tag = message.getMessageProperties().getDeliveryTag();
        OperatorCommand command;
        try {
            command = (OperatorCommand) converter.fromMessage(message);
        } catch (RuntimeException e) {
            setAside(message, "unreadable command: " + e.getMessage(), channel, tag);
            return;
        }
        try {
            commands.apply(command).ifPresent(outcome -> {
                relay.wake();
                dispatchers.wake(command.agency());
            });
            channel.basicAck(tag, false);
        } catch (DataAccessException | TransactionException e) {
            log.warn(
                    "cannot apply command {} now ({}); requeueing it after a pause", command.commandId(), e.toString());
            pause();
            channel.basicNack(tag, false, true);
        } catch (RuntimeException e) {
            setAside(message, "command " + command.commandId() + " failed: " + e, channel, tag);
        }
    }

    private void setAside(Message message, String reason, Channel channel, long tag) throws IOException {
        try {
            jdbc.sql("INSERT INTO poison_message (queue, reason, body, received_at)"
                            + " VALUES (:queue, :reason, :body, :at)")
                    .param("queue", Topology.CONTROL_QUEUE)
                    .param("reason", reason)
                    .param("body", message.getBody())
                    .param("at", Timestamp.from(clock.instant()))
                    .update();
            log.warn("control message set aside in poison_message: {}", reason);
            channel.basicAck(tag, false);
        } catch (RuntimeException e) {
            log.warn("cannot set aside a control message ({}); requeueing it after a pause", e.toString());
            pause();
            channel.basicNack(tag, false, true);
        }
    }

    private void pause() {
        try {
            Thread.sleep(properties.databaseDownBackoff().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void start() {
        container.start();
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        container.stop();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE;
    }
}
