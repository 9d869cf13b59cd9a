package tw.tongbao.gateway.outbox;

import java.util.ArrayList;
import java.util.Comparator;
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
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionTemplate;
import tw.tongbao.core.messaging.Topology;

/**
 * Publishes unpublished outbox rows in id order, a batch at a time, many rows to a message, with every confirm in
 * flight, deleting a row only on the broker's positive confirm, with no return, of the message holding it. Runs right
 * after each filing commits and on a schedule, so a restart or a broker outage catches up. Rows are claimed for a
 * while ({@code claimed_until}), not held locked, so no connection waits on the broker, and relays of several gateways
 * take turns on the oldest rows. Every {@code tongbao.outbox.vacuum-after} rows it deleted it vacuums the outbox, since
 * autovacuum may be off and claims would otherwise read the index entries of every row deleted since.
 */
@Component
class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    /** The advisory lock that serializes claims of the outbox's oldest rows across gateways. */
    private static final long CLAIM_LOCK = 0x7467_6f75_7462_6f78L;

    /**
     * Claims the oldest unpublished rows unless another relay's claim on the oldest is live. The rows are looked up by
     * primary key in an array read once ({@code = any(array(...))}), not as {@code id in (select ... limit ?)}: the
     * relay's vacuum of an outbox that is empty just then records it as holding no rows, and until the next vacuum
     * every plan takes it for one row; the planner then made the {@code in} a nested loop that ran the {@code limit}
     * subquery again for each row of the outbox. With 25,000 rows waiting a claim of 100 read 5 million buffers (2.4 s),
     * so a relay that fell behind fell further behind; with the array it reads about 1,700 whatever the statistics say.
     */
    static final String CLAIM = "update outbox set claimed_until = now() + make_interval(secs => ?)"
            + " where id = any(array(select id from outbox where published_at is null order by id limit ?))"
            + " and not exists (select 1 from (select claimed_until from outbox"
            + "   where published_at is null order by id limit 1) oldest"
            + "   where oldest.claimed_until > now())"
            + " returning id, change_id, payload";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final ChangePublisher publisher;
    private final OutboxProperties properties;
    private final AtomicBoolean kickQueued = new AtomicBoolean();
    private final FailureStreak streak = new FailureStreak();

    /** Rows this relay deleted since it last vacuumed the outbox; only the relay's thread touches it. */
    private long deletedSinceVacuum;

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
                Batch batch = publishBatch();
                more = !batch.failed() && batch.published() == properties.batchSize();
            }
        } catch (RuntimeException e) {
            streak.failed("the outbox could not be read (" + e.getMessage() + ")");
        }
    }

    /**
     * Claims the oldest unpublished rows (a short transaction), publishes them with every confirm in flight and no
     * connection held, then deletes the confirmed ones in one statement and frees the rest for the next run.
     */
    private Batch publishBatch() {
        List<Row> rows = claim();
        if (rows.isEmpty()) {
            return new Batch(0, false);
        }
        List<ChangePublisher.Outcome> outcomes;
        try {
            outcomes = publisher.publishAll(rows.stream()
                    .map(row -> new ChangePublisher.Pending(row.changeId(), row.payload()))
                    .toList());
        } catch (RuntimeException e) {
            release(rows);
            throw e;
        }
        List<Long> published = new ArrayList<>(rows.size());
        List<UUID> changes = new ArrayList<>(rows.size());
        String failure = null;
        for (int i = 0; i < rows.size(); i++) {
            if (outcomes.get(i).confirmed()) {
                published.add(rows.get(i).id());
                changes.add(rows.get(i).changeId());
            } else if (failure == null) {
                failure = "change " + rows.get(i).changeId() + " stays in the outbox: "
                        + outcomes.get(i).failure();
            }
        }
        // Confirmed rows are deleted even after an unconfirmed one: they reached every queue, and a row published
        // twice is harmless (the adapters store each delivery once) while one left in the outbox is only sent again.
        int deleted = published.isEmpty()
                ? 0
                : jdbc.update("delete from outbox where id = any(?)", (Object) published.toArray(Long[]::new));
        if (failure != null) {
            release(rows);
            if (!Thread.currentThread().isInterrupted()) {
                streak.failed(failure);
            }
        } else {
            streak.recovered();
        }
        if (!changes.isEmpty()) {
            log.info("{} change(s) published to {}: {}", changes.size(), Topology.CHANGES_EXCHANGE, changes);
        }
        vacuumWhenDue(deleted);
        return new Batch(published.size(), failure != null);
    }

    /**
     * The oldest unpublished rows, in id order, claimed for this relay; none while another relay's claim on the oldest
     * row is live, so that relays of several gateways never publish out of order or one row at once.
     */
    private List<Row> claim() {
        List<Row> rows = transaction.execute(status -> {
            // Serializes claims; the next statement's snapshot then sees every claim committed before.
            jdbc.query("select pg_advisory_xact_lock(?)", (rs, n) -> null, CLAIM_LOCK);
            return jdbc.query(
                    CLAIM,
                    // The text's bytes as the server sends them (UTF-8), published as they are.
                    (rs, n) -> new Row(rs.getLong("id"), rs.getObject("change_id", UUID.class), rs.getBytes("payload")),
                    claimSeconds(),
                    properties.batchSize());
        });
        return rows == null
                ? List.of()
                : rows.stream().sorted(Comparator.comparingLong(Row::id)).toList();
    }

    /**
     * Vacuums the outbox once this relay has deleted {@code tongbao.outbox.vacuum-after} rows since it last tried, so
     * that a claim reads the index entries of no more than about that many deleted rows per gateway. A vacuum that
     * fails is tried again after as many more rows; publishing goes on meanwhile.
     */
    private void vacuumWhenDue(int deleted) {
        if (properties.vacuumAfter() == 0) {
            return;
        }
        deletedSinceVacuum += deleted;
        if (deletedSinceVacuum < properties.vacuumAfter()) {
            return;
        }
        deletedSinceVacuum = 0;
        try {
            // Outside any transaction, as VACUUM must run; skipping it while another gateway vacuums loses nothing.
            jdbc.execute("vacuum (skip_locked) outbox");
        } catch (DataAccessException e) {
            log.debug(
                    "outbox not vacuumed, trying again after {} more rows: {}", properties.vacuumAfter(), e.toString());
        }
    }

    /** Frees the rows still unpublished for the next run, rather than leaving them claimed until the claim lapses. */
    private void release(List<Row> rows) {
        jdbc.update("update outbox set claimed_until = null where id = any(?) and published_at is null", (Object)
                rows.stream().map(Row::id).toArray(Long[]::new));
    }

    /**
     * Long enough to publish a batch, wait for its confirms and delete them; short, since after a crash the restarted
     * relay waits for it. A claim that lapses too early only lets another relay publish the rows again (harmless).
     */
    private double claimSeconds() {
        return properties.confirmTimeout().plusSeconds(5).toMillis() / 1000.0;
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

    private record Row(long id, UUID changeId, byte[] payload) {}

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
