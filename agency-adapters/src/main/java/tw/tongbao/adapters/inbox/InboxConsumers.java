package tw.tongbao.adapters.inbox;

import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareBatchMessageListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.adapters.AdaptersProperties;
import tw.tongbao.adapters.report.ReportRelay;
import tw.tongbao.adapters.transport.Dispatchers;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.agency.AgencyRegistry;
import tw.tongbao.core.messaging.Topology;

/**
 * One listener container per agency queue: stores each batch's messages, then its deliveries in one transaction,
 * commits, then acknowledges them; sets poison messages aside; leaves messages on the queue (after a pause) while the database
 * is unreachable.
 */
@Component
class InboxConsumers implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(InboxConsumers.class);

    private final List<SimpleMessageListenerContainer> containers = new ArrayList<>();
    private final InboxWriter writer;
    private final PoisonMessages poison;
    private final Dispatchers dispatchers;
    private final ReportRelay relay;
    private final AdaptersProperties properties;
    private final ChangeReader reader;
    private final TransactionTemplate transactions;
    private volatile boolean running;

    InboxConsumers(
            AgencyRegistry registry,
            ConnectionFactory connectionFactory,
            InboxWriter writer,
            PoisonMessages poison,
            Dispatchers dispatchers,
            ReportRelay relay,
            AdaptersProperties properties,
            JsonMapper json,
            TransactionTemplate transactions) {
        this.writer = writer;
        this.poison = poison;
        this.dispatchers = dispatchers;
        this.relay = relay;
        this.properties = properties;
        this.reader = new ChangeReader(json);
        this.transactions = transactions;
        for (Agency agency : registry.all()) {
            containers.add(container(connectionFactory, agency));
        }
    }

    private SimpleMessageListenerContainer container(ConnectionFactory connectionFactory, Agency agency) {
        String queue = Topology.agencyQueue(agency.code().value());
        SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(connectionFactory);
        container.setQueueNames(queue);
        container.setAcknowledgeMode(AcknowledgeMode.MANUAL);
        container.setPrefetchCount(properties.consumerPrefetch());
        container.setConcurrentConsumers(1);
        container.setDefaultRequeueRejected(false);
        container.setConsumerBatchEnabled(true);
        container.setBatchSize(properties.inboxBatchSize());
        container.setBatchReceiveTimeout(properties.inboxBatchWait().toMillis());
        container.setReceiveTimeout(properties.inboxBatchWait().toMillis());
        container.setMessageListener((ChannelAwareBatchMessageListener) (messages, channel) -> {
            try {
                onMessages(agency, queue, messages, channel);
            } catch (IOException e) {
                // The channel broke: the unacknowledged messages come back, and storing them again changes nothing.
                throw new java.io.UncheckedIOException(e);
            }
        });
        container.afterPropertiesSet();
        return container;
    }

    /**
     * Stores a batch: its messages in a short transaction of their own, then its deliveries in one transaction (poison
     * set aside in it too), then acknowledges its last delivery tag with {@code multiple}; a batch that fails for a
     * reason other than the database is handled again one message at a time, so only the bad message is set aside.
     */
    private void onMessages(Agency agency, String queue, List<Message> messages, Channel channel) throws IOException {
        long last = messages.get(messages.size() - 1).getMessageProperties().getDeliveryTag();
        String code = agency.code().value();
        try {
            List<InboxWriter.Received> received = new ArrayList<>(messages.size());
            List<Unreadable> unreadable = new ArrayList<>();
            for (Message message : messages) {
                try {
                    ChangeReader.Read read = reader.read(message, code);
                    received.add(new InboxWriter.Received(read.change(), read.addressee(), message.getBody()));
                } catch (PoisonMessage e) {
                    unreadable.add(new Unreadable(message, e.getMessage()));
                }
            }
            // Committed before the delivery transaction starts, so that no other agency's inbox waits for it (see
            // InboxWriter.storeMessages); if what follows fails, the batch comes back and finds them stored.
            writer.storeMessages(received);
            Boolean stored = transactions.execute(tx -> {
                for (Unreadable poisoned : unreadable) {
                    poison.keep(queue, poisoned.reason(), poisoned.message().getBody());
                }
                return writer.storeDeliveries(agency, received);
            });
            channel.basicAck(last, true);
            if (Boolean.TRUE.equals(stored)) {
                dispatchers.wake(code);
                relay.wake();
            }
        } catch (DataIntegrityViolationException e) {
            // A message the database refuses (bytes that are not UTF-8, say): find it, store the others.
            for (Message message : messages) {
                onMessage(agency, queue, message, channel);
            }
        } catch (DataAccessException | TransactionException e) {
            log.warn(
                    "cannot store {} message(s) from {} ({}); requeueing them after a pause",
                    messages.size(),
                    queue,
                    e.toString());
            pause();
            channel.basicNack(last, true, true);
        } catch (RuntimeException e) {
            for (Message message : messages) {
                onMessage(agency, queue, message, channel);
            }
        }
    }

    /** A message of a batch that cannot be read as a change, set aside in the batch's transaction. */
    private record Unreadable(Message message, String reason) {}

    private void onMessage(Agency agency, String queue, Message message, Channel channel) throws IOException {
        long tag = message.getMessageProperties().getDeliveryTag();
        String code = agency.code().value();
        try {
            ChangeReader.Read read = readOrSetAside(code, queue, message);
            if (read != null) {
                if (writer.store(agency, read.change(), read.addressee(), message.getBody())) {
                    dispatchers.wake(code);
                    relay.wake();
                }
            }
            channel.basicAck(tag, false);
        } catch (DataIntegrityViolationException e) {
            // The database refuses this message, not every message: requeueing it would loop for ever.
            setAsideAfterFailure(queue, message, channel, tag, e);
        } catch (DataAccessException | TransactionException e) {
            log.warn("cannot store a message from {} ({}); requeueing it after a pause", queue, e.toString());
            pause();
            channel.basicNack(tag, false, true);
        } catch (RuntimeException e) {
            setAsideAfterFailure(queue, message, channel, tag, e);
        }
    }

    /** A message that broke storing for another reason is kept as poison rather than lost or looped. */
    private void setAsideAfterFailure(String queue, Message message, Channel channel, long tag, RuntimeException e)
            throws IOException {
        try {
            poison.keep(queue, "could not be stored: " + e, message.getBody());
            channel.basicAck(tag, false);
        } catch (RuntimeException storing) {
            log.warn("cannot set aside a message from {} ({}); requeueing it after a pause", queue, storing.toString());
            pause();
            channel.basicNack(tag, false, true);
        }
    }

    /** The change to store, or null when the message was set aside as poison. */
    private ChangeReader.Read readOrSetAside(String code, String queue, Message message) {
        try {
            return reader.read(message, code);
        } catch (PoisonMessage e) {
            poison.keep(queue, e.getMessage(), message.getBody());
            return null;
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
        containers.forEach(SimpleMessageListenerContainer::start);
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        containers.forEach(SimpleMessageListenerContainer::stop);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // Consumers start last and stop first, so nothing is taken in that cannot be handled.
        return SmartLifecycle.DEFAULT_PHASE;
    }
}
