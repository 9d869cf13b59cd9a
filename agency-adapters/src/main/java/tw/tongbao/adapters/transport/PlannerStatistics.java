package tw.tongbao.adapters.transport;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tw.tongbao.adapters.AdaptersProperties;

/**
 * Keeps PostgreSQL's statistics of the delivery tables fresh: the claim's plan is only fast when the planner knows
 * how many heads are due, and a backlog can grow faster than autovacuum (or a server with it off) notices. A round
 * analyzes only the tables that changed enough, and of those only the columns that statements filter, join or group
 * on (V9 turns the others' statistics off). A table is analyzed at most once an interval, unless it has grown past
 * twice the rows its statistics count: rounds run six times an interval to catch that. Statistics taken of a small
 * table (the migrations analyze the empty ones) let plans cached meanwhile scan it for every row they look up: on a
 * fresh database the first burst's claims read their table once per candidate until the first refresh.
 */
@Component
class PlannerStatistics implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PlannerStatistics.class);

    // Refresh a table when this share of its rows (and at least MIN_CHANGES rows) changed since its last ANALYZE.
    private static final double CHANGED_SHARE = 0.1;
    private static final long MIN_CHANGES = 1_000;
    private static final long ROUNDS_PER_INTERVAL = 6;

    private final JdbcClient jdbc;
    private final Duration interval;
    private volatile ScheduledExecutorService executor;

    @Autowired
    PlannerStatistics(JdbcClient jdbc, AdaptersProperties properties) {
        this(jdbc, properties.statisticsInterval());
    }

    PlannerStatistics(JdbcClient jdbc, Duration interval) {
        this.jdbc = jdbc;
        this.interval = interval;
    }

    /**
     * Analyzes those of the delivery tables of which enough rows changed since they were last analyzed, and that were
     * last analyzed an interval ago or have grown past twice the rows their statistics count.
     *
     * @return the tables it analyzed, none when all were fresh
     */
    List<String> refreshIfStale() {
        // Resolved by the search path, as ANALYZE resolves the names it is given.
        List<String> stale = jdbc.sql("SELECT s.relid::regclass::text FROM pg_stat_user_tables s"
                        + " JOIN pg_class c ON c.oid = s.relid"
                        + " WHERE s.relid IN ('adapter_delivery'::regclass, 'adapter_head'::regclass)"
                        + " AND s.n_mod_since_analyze > greatest(:min, :share * s.n_live_tup)"
                        // greatest() passes over nulls: null only if the table was never analyzed.
                        + " AND (greatest(s.last_analyze, s.last_autoanalyze) IS NULL"
                        + "   OR greatest(s.last_analyze, s.last_autoanalyze) <= now() - make_interval(secs => :interval)"
                        + "   OR s.n_live_tup > 2 * greatest(c.reltuples, 0) + :min)"
                        + " ORDER BY 1")
                .param("min", MIN_CHANGES)
                .param("share", CHANGED_SHARE)
                .param("interval", interval.toMillis() / 1000.0)
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
        long round = Math.max(1, interval.toMillis() / ROUNDS_PER_INTERVAL);
        executor.scheduleWithFixedDelay(this::refreshQuietly, round, round, TimeUnit.MILLISECONDS);
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
