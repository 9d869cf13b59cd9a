package tw.tongbao.adapters.transport;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tw.tongbao.adapters.AdaptersProperties;

/**
 * Keeps PostgreSQL's statistics of the delivery tables fresh: the claim's plan is only fast when the planner knows
 * how many heads are due, and a backlog can grow faster than autovacuum (or a server with it off) notices.
 */
@Component
class PlannerStatistics implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PlannerStatistics.class);

    // Refresh when this share of the rows (and at least MIN_CHANGES rows) changed since the last ANALYZE.
    private static final double CHANGED_SHARE = 0.1;
    private static final long MIN_CHANGES = 1_000;

    private final JdbcClient jdbc;
    private final Duration interval;
    private volatile ScheduledExecutorService executor;

    PlannerStatistics(JdbcClient jdbc, AdaptersProperties properties) {
        this.jdbc = jdbc;
        this.interval = properties.statisticsInterval();
    }

    /** Analyzes the delivery tables if enough of their rows changed since they were last analyzed. */
    void refreshIfStale() {
        Long stale = jdbc.sql("SELECT count(*) FROM pg_stat_user_tables"
                        + " WHERE relname IN ('adapter_delivery', 'adapter_head')"
                        + " AND n_mod_since_analyze > greatest(:min, :share * n_live_tup)")
                .param("min", MIN_CHANGES)
                .param("share", CHANGED_SHARE)
                .query(Long.class)
                .single();
        if (stale > 0) {
            jdbc.sql("ANALYZE adapter_delivery, adapter_head").update();
            log.debug("refreshed planner statistics of adapter_delivery and adapter_head");
        }
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
