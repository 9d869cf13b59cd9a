package tw.tongbao.adapters.transport;

import java.time.Duration;
import java.util.List;
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
 * how many heads are due, and a backlog can grow faster than autovacuum (or a server with it off) notices. A round
 * analyzes only the tables that changed enough, and of those only the columns that statements filter, join or group
 * on (V9 turns the others' statistics off).
 */
@Component
class PlannerStatistics implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PlannerStatistics.class);

    // Refresh a table when this share of its rows (and at least MIN_CHANGES rows) changed since its last ANALYZE.
    private static final double CHANGED_SHARE = 0.1;
    private static final long MIN_CHANGES = 1_000;

    private final JdbcClient jdbc;
    private final Duration interval;
    private volatile ScheduledExecutorService executor;

    PlannerStatistics(JdbcClient jdbc, AdaptersProperties properties) {
        this.jdbc = jdbc;
        this.interval = properties.statisticsInterval();
    }

    /**
     * Analyzes those of the delivery tables of which enough rows changed since they were last analyzed.
     *
     * @return the tables it analyzed, none when all were fresh
     */
    List<String> refreshIfStale() {
        // Resolved by the search path, as ANALYZE resolves the names it is given.
        List<String> stale = jdbc.sql("SELECT relid::regclass::text FROM pg_stat_user_tables"
                        + " WHERE relid IN ('adapter_delivery'::regclass, 'adapter_head'::regclass)"
                        + " AND n_mod_since_analyze > greatest(:min, :share * n_live_tup) ORDER BY 1")
                .param("min", MIN_CHANGES)
                .param("share", CHANGED_SHARE)
                .query(String.class)
                .list();
        if (!stale.isEmpty()) {
            jdbc.sql("ANALYZE " + String.join(", ", stale)).update();
            log.debug("refreshed planner statistics of {}", stale);
        }
        return stale;
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
