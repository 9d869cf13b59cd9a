package tw.tongbao.adapters.inbox;

import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * One listener container, with one consumer thread and one channel, on every agency queue: stores each batch (whatever
 * queues its messages came from, each a lone change or a batch of changes) with its changes' messages once, then all its
 * deliveries in one transaction, commits, then acknowledges it; sets poison (a bad change of a batch alone) aside in
 * the name of the queue it came from; leaves messages on the queues (after a pause) while the database is unreachable.
 */
@Component
class InboxConsumers implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(InboxConsumers.class);

    private final Map<String, Agency> agencies = new LinkedHashMap<>();
    private final SimpleMessageListenerContainer container;
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
            agencies.put(Topology.agencyQueue(agency.code().value()), agency);
        }
        this.container = container(connectionFactory);
    }

    /**
     * One consumer per queue on one channel: the prefetch is per consumer (a quorum queue takes no channel-wide one),
     * so each queue may have {@code consumerPrefetch} messages unacknowledged and one busy queue alone can fill a batch;
     * delivery tags are the channel's, so a batch's last tag acknowledges, with {@code multiple}, exactly the batch: the
     * consumer takes messages in the order the channel delivered them, and everything delivered before the batch was
     * acknowledged or requeued with an earlier batch.
     */
    private SimpleMessageListenerContainer container(ConnectionFactory connectionFactory) {
        SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(connectionFactory);
        container.setBeanName("inbox");
        container.setQueueNames(agencies.keySet().toArray(String[]::new));
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
                onMessages(messages, channel);
            } catch (IOException e) {
                // The channel broke: the unacknowledged messages come back, and storing them again changes nothing.
                throw new java.io.UncheckedIOException(e);
            }
        });
        container.afterPropertiesSet();
        return container;
    }

    /**
     * Stores a batch of messages from any of the agency queues: the changes' messages, each once, in a short
     * transaction of their own, then every agency's deliveries in one transaction, or in a few when they are many
     * (poison set aside in the last), then
     * acknowledges its last delivery tag with {@code multiple}; a batch that fails for a reason other than the database
     * is handled again one message, and one change, at a time, so only the bad change is set aside.
     */
    private void onMessages(List<Message> messages, Channel channel) throws IOException {
        long last = messages.get(messages.size() - 1).getMessageProperties().getDeliveryTag();
        try {
            Map<Agency, List<InboxWriter.Received>> received = new LinkedHashMap<>();
            List<InboxWriter.Received> all = new ArrayList<>(messages.size());
            List<Unreadable> unreadable = new ArrayList<>();
            // A message comes once per agency queue it is addressed to, often in the same batch: read once.
            ChangeReader.Batch batch = reader.batch();
            for (Message message : messages) {
                String queue = message.getMessageProperties().getConsumerQueue();
                Agency agency = agencies.get(queue);
                ChangeReader.Taken taken = take(agency, queue, message, batch);
                if (!taken.received().isEmpty()) {
                    received.computeIfAbsent(agency, a -> new ArrayList<>()).addAll(taken.received());
                    all.addAll(taken.received());
                }
                for (ChangeReader.SetAside bad : taken.setAside()) {
                    unreadable.add(new Unreadable(queue, bad));
                }
            }
            // Committed before the delivery transaction starts, so that no other instance's inbox waits for it (see
            // InboxWriter.storeMessages); if what follows fails, the batch comes back and finds them stored.
            writer.storeMessages(all);
            // A big batch in parts (see InboxWriter.parts), the poison with the last, so that a part that fails leaves
            // none kept twice when the batch comes back; parts stored before it are found stored.
            List<Map<Agency, List<InboxWriter.Received>>> parts = InboxWriter.parts(received);
            for (int i = 0; i < parts.size(); i++) {
                Map<Agency, List<InboxWriter.Received>> part = parts.get(i);
                List<Unreadable> aside = i == parts.size() - 1 ? unreadable : List.of();
                wake(transactions.execute(tx -> {
                    for (Unreadable poisoned : aside) {
                        poison.keep(
                                poisoned.queue(),
                                poisoned.bad().reason(),
                                poisoned.bad().body());
                    }
                    return writer.storeDeliveries(part);
                }));
            }
            channel.basicAck(last, true);
        } catch (DataIntegrityViolationException e) {
            // A change the database refuses (bytes that are not UTF-8, say): find it, store the others.
            oneByOne(messages, last, channel);
        } catch (DataAccessException | TransactionException e) {
            log.warn(
                    "cannot store {} message(s) from the agency queues ({}); requeueing them after a pause",
                    messages.size(),
                    e.toString());
            pause();
            channel.basicNack(last, true, true);
        } catch (RuntimeException e) {
            oneByOne(messages, last, channel);
        }
    }

    /**
     * Handles a batch that failed one message at a time; once the database proves unreachable, requeues that message
     * and the rest of the batch after one pause (acknowledging {@code last} with {@code multiple} covers exactly them),
     * rather than pausing for each.
     */
    private void oneByOne(List<Message> messages, long last, Channel channel) throws IOException {
        for (Message message : messages) {
            if (!onMessage(message, channel)) {
                pause();
                channel.basicNack(last, true, true);
                return;
            }
        }
    }

    /** Something a message of a batch holds that can never be delivered, set aside in the batch's transaction. */
    private record Unreadable(String queue, ChangeReader.SetAside bad) {}

    /**
     * Stores one message, each of its changes on its own, and acknowledges it; false, leaving it unacknowledged, when
     * the database is unreachable (the changes stored by then are found stored when it comes back).
     */
    private boolean onMessage(Message message, Channel channel) throws IOException {
        long tag = message.getMessageProperties().getDeliveryTag();
        String queue = message.getMessageProperties().getConsumerQueue();
        Agency agency = agencies.get(queue);
        ChangeReader.Taken taken;
        try {
            taken = take(agency, queue, message, reader.batch());
        } catch (RuntimeException e) {
            taken = ChangeReader.Taken.setAside(message.getBody(), "could not be stored: " + e);
        }
        for (ChangeReader.SetAside bad : taken.setAside()) {
            if (!alone(queue, bad.body(), () -> poison.keep(queue, bad.reason(), bad.body()))) {
                return false;
            }
        }
        for (InboxWriter.Received one : taken.received()) {
            if (!alone(queue, one.message(), () -> store(agency, one))) {
                return false;
            }
        }
        channel.basicAck(tag, false);
        return true;
    }

    /**
     * Does one step of the one-by-one handling (storing one change, or setting one aside); a step that fails for a
     * reason other than the database being unreachable sets its bytes aside instead; false when neither can be done.
     */
    private boolean alone(String queue, byte[] body, Runnable step) {
        try {
            step.run();
            return true;
        } catch (DataIntegrityViolationException e) {
            // The database refuses this change, not every change: requeueing it would loop for ever.
            return setAsideAfterFailure(queue, body, e);
        } catch (DataAccessException | TransactionException e) {
            log.warn(
                    "cannot store a message from {} ({}); requeueing it and the rest of its batch after a pause",
                    queue,
                    e.toString());
            return false;
        } catch (RuntimeException e) {
            return setAsideAfterFailure(queue, body, e);
        }
    }

    private void store(Agency agency, InboxWriter.Received received) {
        if (writer.store(agency, received)) {
            wake(Set.of(agency.code().value()));
        }
    }

    /** What a message holds for the agency of the queue it came from. */
    private ChangeReader.Taken take(Agency agency, String queue, Message message, ChangeReader.Batch batch) {
        if (agency == null) {
            return ChangeReader.Taken.setAside(message.getBody(), "not from an agency queue: " + queue);
        }
        return batch.take(message, agency.code().value());
    }

    /** Wakes the dispatchers of the agencies that got new deliveries, and the relay that sends their reports. */
    private void wake(Set<String> agencies) {
        if (agencies.isEmpty()) {
            return;
        }
        agencies.forEach(dispatchers::wake);
        relay.wake();
    }

    /**
     * A change (or message) that broke storing for another reason is kept as poison rather than lost or looped; false
     * when even that cannot be stored.
     */
    private boolean setAsideAfterFailure(String queue, byte[] body, RuntimeException e) {
        try {
            poison.keep(queue, "could not be stored: " + e, body);
            return true;
        } catch (RuntimeException storing) {
            log.warn(
                    "cannot set aside a message from {} ({}); requeueing it and the rest of its batch after a pause",
                    queue,
                    storing.toString());
            return false;
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
        // Consumers start last and stop first, so nothing is taken in that cannot be handled.
        return SmartLifecycle.DEFAULT_PHASE;
    }
}
