package tw.tongbao.adapters.report;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.support.converter.AbstractJavaTypeMapper;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import tw.tongbao.adapters.AdaptersProperties;

/**
 * Publishes {@code report_outbox} rows in id order (reports to the reports exchange, alerts to the alerts exchange;
 * persistent, mandatory, correlated confirms) and deletes each only once the broker confirmed it and did not return it.
 * It sends each row's stored JSON as it is, without reading and writing it again.
 */
@Component
public class ReportRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ReportRelay.class);

    private final ReportOutbox outbox;
    private final RabbitTemplate rabbit;
    private final AdaptersProperties properties;
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private volatile ScheduledExecutorService executor;
    private volatile boolean failing;

    public ReportRelay(ReportOutbox outbox, RabbitTemplate rabbit, AdaptersProperties properties) {
        this.outbox = outbox;
        this.rabbit = rabbit;
        this.properties = properties;
    }

    /** Asks for a run soon, e.g. right after a commit that wrote reports. */
    public void wake() {
        ScheduledExecutorService running = executor;
        if (running != null && wakePending.compareAndSet(false, true)) {
            running.execute(this::runOnce);
        }
    }

    @Override
    public void start() {
        executor = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "report-relay"));
        long poll = properties.relayPollInterval().toMillis();
        executor.scheduleWithFixedDelay(this::runOnce, poll, poll, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        ScheduledExecutorService running = executor;
        executor = null;
        if (running != null) {
            running.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return executor != null;
    }

    /** Publishes what is waiting until the outbox is empty or a publish fails (then the poll tries again). */
    void runOnce() {
        wakePending.set(false);
        try {
            List<ReportOutbox.Pending> batch;
            do {
                batch = outbox.oldest(properties.relayBatchSize());
                if (!publish(batch)) {
                    return;
                }
            } while (batch.size() == properties.relayBatchSize());
            if (failing) {
                failing = false;
                log.info("report relay publishing again");
            }
        } catch (RuntimeException e) {
            // One line per outage, not one per poll.
            if (!failing) {
                failing = true;
                log.warn("report relay cannot publish, will keep trying: {}", e.toString());
            }
        }
    }

    /**
     * Publishes the whole batch on one channel (so in id order) with every confirm in flight, then waits for them
     * together and deletes the confirmed leading rows in one statement; false when one was not confirmed.
     */
    private boolean publish(List<ReportOutbox.Pending> batch) {
        List<CorrelationData> sent = rabbit.invoke(operations -> {
            List<CorrelationData> correlations = new ArrayList<>(batch.size());
            for (ReportOutbox.Pending pending : batch) {
                CorrelationData correlation = new CorrelationData("report-" + pending.id());
                operations.send(pending.exchange(), pending.routingKey(), message(pending), correlation);
                correlations.add(correlation);
            }
            return correlations;
        });
        long deadline = System.nanoTime() + properties.confirmTimeout().toNanos();
        List<Long> confirmed = new ArrayList<>(batch.size());
        boolean all = true;
        for (int i = 0; i < batch.size(); i++) {
            if (!confirmed(sent.get(i), deadline)) {
                log.warn(
                        "{} not confirmed by the broker; will retry",
                        batch.get(i).description());
                all = false;
                break;
            }
            confirmed.add(batch.get(i).id());
        }
        outbox.delete(confirmed);
        return all;
    }

    /**
     * The stored JSON as a persistent message with what the gateway's {@code JacksonJsonMessageConverter} reads it
     * by: JSON content type, UTF-8, and the type id header naming the message's class.
     */
    static Message message(ReportOutbox.Pending pending) {
        MessageProperties properties = new MessageProperties();
        properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        properties.setContentEncoding(StandardCharsets.UTF_8.name());
        properties.setContentLength(pending.body().length);
        properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
        properties.setHeader(
                AbstractJavaTypeMapper.DEFAULT_CLASSID_FIELD_NAME,
                pending.type().getName());
        return new Message(pending.body(), properties);
    }

    private boolean confirmed(CorrelationData correlation, long deadlineNanos) {
        try {
            long left = Math.max(0, deadlineNanos - System.nanoTime());
            CorrelationData.Confirm confirm = correlation.getFuture().get(left, TimeUnit.NANOSECONDS);
            return confirm.ack() && correlation.getReturned() == null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 100;
    }
}
