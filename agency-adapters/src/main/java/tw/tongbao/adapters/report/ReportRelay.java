package tw.tongbao.adapters.report;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import tw.tongbao.adapters.AdaptersProperties;

/**
 * Publishes {@code report_outbox} rows in id order (reports to the reports exchange, many to a message; alerts to the
 * alerts exchange, one to a message; persistent, mandatory, correlated confirms) and deletes each only once the broker
 * confirmed the message holding it and did not return it. It sends the rows' stored JSON as it is, without reading and
 * writing it again.
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
    // Touched by the relay's single thread only.
    private long deletedSinceVacuum;

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
                // Within the loop: under steady load the outbox may not run empty for minutes.
                vacuumIfDue();
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
     * Publishes the batch's messages on one channel (so in id order) with every confirm in flight, then waits for them
     * together and deletes, in one statement, the rows of the confirmed leading messages; false when one was not
     * confirmed (its rows and those of the messages after it are published again on the next run).
     */
    private boolean publish(List<ReportOutbox.Pending> batch) {
        List<ReportMessages.Outgoing> messages =
                ReportMessages.pack(batch, properties.relayReportsPerMessage(), properties.relayMessageBytes());
        List<CorrelationData> sent = rabbit.invoke(operations -> {
            List<CorrelationData> correlations = new ArrayList<>(messages.size());
            for (ReportMessages.Outgoing outgoing : messages) {
                CorrelationData correlation = new CorrelationData("report-" + outgoing.firstId());
                operations.send(outgoing.exchange(), outgoing.routingKey(), outgoing.message(), correlation);
                correlations.add(correlation);
            }
            return correlations;
        });
        long deadline = System.nanoTime() + properties.confirmTimeout().toNanos();
        List<Long> confirmed = new ArrayList<>(batch.size());
        boolean all = true;
        for (int i = 0; i < messages.size(); i++) {
            if (!confirmed(sent.get(i), deadline)) {
                log.warn(
                        "{} not confirmed by the broker; will retry",
                        messages.get(i).description());
                all = false;
                break;
            }
            confirmed.addAll(messages.get(i).ids());
        }
        outbox.delete(confirmed);
        deletedSinceVacuum += confirmed.size();
        return all;
    }

    /**
     * Vacuums the outbox and the head-of-line table once enough rows were deleted since the last time: the read of the
     * oldest rows walks the index entries of every row deleted since the table was last vacuumed, so without it that
     * read grows slower with every report ever sent while autovacuum is off or behind (691 buffers a read after 200,000
     * deliveries in a benchmark), and so does the claims' read of the heads (see {@link ReportOutbox#vacuum}).
     */
    private void vacuumIfDue() {
        int after = properties.relayVacuumAfter();
        if (after == 0 || deletedSinceVacuum < after) {
            return;
        }
        deletedSinceVacuum = 0;
        try {
            outbox.vacuum();
        } catch (RuntimeException e) {
            // Publishing goes on; the next rows deleted bring the next try.
            log.debug("cannot vacuum report_outbox and adapter_head: {}", e.toString());
        }
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
