package tw.tongbao.gateway.outbox;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionTemplate;
import tw.tongbao.core.messaging.Topology;

/**
 * Publishes unpublished outbox rows in id order, marking a row published only on the broker's positive confirm
 * with no return. Runs right after each filing commits and on a schedule, so a restart or a broker outage catches
 * up; rows are claimed {@code FOR UPDATE SKIP LOCKED}, so relays of several gateways never publish one row at once.
 */
@Component
class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final ChangePublisher publisher;
    private final OutboxProperties properties;
    private final AtomicBoolean kickQueued = new AtomicBoolean();
    private final FailureStreak streak = new FailureStreak();
    private volatile ScheduledExecutorService executor;

    OutboxRelay(
            JdbcTemplate jdbc,
            PlatformTransactionManager transactions,
            ChangePublisher publisher,
            OutboxProperties properties) {
        this.jdbc = jdbc;
        this.transaction = new TransactionTemplate(transactions);
        this.publisher = publisher;
        this.properties = properties;
    }

    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT)
    void onAppended(OutboxAppended appended) {
        kick();
    }

    /** Asks for a run soon; kicks that arrive while one is queued collapse into it. */
    void kick() {
        ScheduledExecutorService current = executor;
        if (current != null && kickQueued.compareAndSet(false, true)) {
            try {
                current.execute(() -> {
                    kickQueued.set(false);
                    drain();
                });
            } catch (RejectedExecutionException e) {
                kickQueued.set(false);
            }
        }
    }

    /** Publishes batch after batch until the outbox is empty or the broker fails. */
    void drain() {
        try {
            boolean more = true;
            while (more) {
                Batch batch = transaction.execute(status -> publishBatch());
                more = batch != null && !batch.failed() && batch.published() == properties.batchSize();
            }
        } catch (RuntimeException e) {
            streak.failed("the outbox could not be read (" + e.getMessage() + ")");
        }
    }

    private Batch publishBatch() {
        List<Row> rows = jdbc.query(
                "select id, change_id, payload::text as payload from outbox where published_at is null"
                        + " order by id limit ? for update skip locked",
                (rs, n) -> new Row(rs.getLong("id"), rs.getObject("change_id", UUID.class), rs.getString("payload")),
                properties.batchSize());
        int published = 0;
        for (Row row : rows) {
            ChangePublisher.Outcome outcome = publisher.publish(row.changeId(), row.payload());
            if (!outcome.confirmed()) {
                // Later rows wait too, so changes leave in the order they were filed.
                if (!Thread.currentThread().isInterrupted()) {
                    streak.failed("change " + row.changeId() + " stays in the outbox: " + outcome.failure());
                }
                return new Batch(published, true);
            }
            jdbc.update("update outbox set published_at = now() where id = ?", row.id());
            log.info("change {} published to {}", row.changeId(), Topology.CHANGES_EXCHANGE);
            published++;
        }
        if (published > 0) {
            streak.recovered();
        }
        return new Batch(published, false);
    }

    @Override
    public void start() {
        ScheduledExecutorService started = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "outbox-relay");
            thread.setDaemon(true);
            return thread;
        });
        long interval = properties.pollInterval().toMillis();
        started.scheduleWithFixedDelay(this::drain, 0, interval, TimeUnit.MILLISECONDS);
        executor = started;
    }

    @Override
    public void stop() {
        ScheduledExecutorService stopping = executor;
        executor = null;
        if (stopping != null) {
            stopping.shutdownNow();
            try {
                stopping.awaitTermination(properties.confirmTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return executor != null;
    }

    private record Row(long id, UUID changeId, String payload) {}

    private record Batch(int published, boolean failed) {}

    /** Logs a WARN at the start of a failure streak and an INFO when it ends, not one line per row or poll. */
    private static final class FailureStreak {

        private boolean failing;

        synchronized void failed(String why) {
            if (!failing) {
                log.warn("outbox relay cannot publish; will keep trying: {}", why);
                failing = true;
            } else {
                log.debug("outbox relay still cannot publish: {}", why);
            }
        }

        synchronized void recovered() {
            if (failing) {
                log.info("outbox relay publishes again");
                failing = false;
            }
        }
    }
}
