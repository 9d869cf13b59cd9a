package tw.tongbao.gateway.statistics;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Keeps PostgreSQL's statistics of the gateway's growing tables fresh: with none (autovacuum off, or a table that grew
 * faster than it noticed) the planner guesses their sizes, and a citizen's timeline read, which joins a few deliveries
 * to their events, becomes a scan of every event ever recorded.
 */
@Component
class PlannerStatistics implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PlannerStatistics.class);

    private static final String TABLES = "change, delivery, delivery_event";

    // Refresh when this share of a table's rows (and at least MIN_CHANGES rows) changed since its last ANALYZE.
    private static final double CHANGED_SHARE = 0.1;
    private static final long MIN_CHANGES = 1_000;

    private final JdbcTemplate jdbc;
    private final Duration interval;
    private volatile ScheduledExecutorService executor;

    PlannerStatistics(JdbcTemplate jdbc, StatisticsProperties properties) {
        this.jdbc = jdbc;
        this.interval = properties.interval();
    }

    /**
     * Analyzes the tables if enough of the rows of any of them changed since they were last analyzed.
     *
     * @return whether it analyzed them
     */
    boolean refreshIfStale() {
        Long stale = jdbc.queryForObject(
                "select count(*) from pg_stat_user_tables where relname in ('change', 'delivery', 'delivery_event')"
                        + " and n_mod_since_analyze > greatest(?, ? * n_live_tup)",
                Long.class,
                MIN_CHANGES,
                CHANGED_SHARE);
        if (stale == null || stale == 0) {
            return false;
        }
        jdbc.execute("analyze " + TABLES);
        log.debug("refreshed planner statistics of {}", TABLES);
        return true;
    }

    @Override
    public void start() {
        if (interval.isZero() || interval.isNegative()) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "planner-statistics");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(
                this::refreshQuietly, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void refreshQuietly() {
        try {
            refreshIfStale();
        } catch (RuntimeException e) {
            // The database may be away; the next round tries again.
            log.debug("cannot refresh planner statistics: {}", e.toString());
        }
    }

    @Override
    public void stop() {
        ScheduledExecutorService running = executor;
        if (running != null) {
            running.shutdownNow();
            executor = null;
        }
    }

    @Override
    public boolean isRunning() {
        return executor != null;
    }
}
