package tw.tongbao.gateway.statistics;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import tw.tongbao.gateway.upkeep.PeriodicUpkeep;

/**
 * Keeps PostgreSQL's statistics of the gateway's growing tables fresh: with none (autovacuum off, or a table that grew
 * faster than it noticed) the planner guesses their sizes, and a citizen's timeline read, which joins a few deliveries
 * to their events, becomes a scan of every event ever recorded. A round analyzes only the tables that changed enough,
 * and of those only the columns that statements filter, join or group on (V9 turns the others' statistics off).
 */
@Component
class PlannerStatistics extends PeriodicUpkeep {

    private static final Logger log = LoggerFactory.getLogger(PlannerStatistics.class);

    // Refresh a table when this share of its rows (and at least MIN_CHANGES rows) changed since its last ANALYZE.
    private static final double CHANGED_SHARE = 0.1;
    private static final long MIN_CHANGES = 1_000;

    private final JdbcTemplate jdbc;

    PlannerStatistics(JdbcTemplate jdbc, StatisticsProperties properties) {
        super("planner-statistics", properties.interval());
        this.jdbc = jdbc;
    }

    /**
     * Analyzes those of the tables of which enough rows changed since they were last analyzed.
     *
     * @return the tables it analyzed, none when all were fresh
     */
    List<String> refreshIfStale() {
        // Resolved by the search path, as ANALYZE resolves the names it is given.
        List<String> stale = jdbc.queryForList(
                "select relid::regclass::text from pg_stat_user_tables"
                        + " where relid in ('change'::regclass, 'delivery'::regclass, 'delivery_event'::regclass)"
                        + " and n_mod_since_analyze > greatest(?, ? * n_live_tup) order by 1",
                String.class,
                MIN_CHANGES,
                CHANGED_SHARE);
        if (!stale.isEmpty()) {
            jdbc.execute("analyze " + String.join(", ", stale));
            log.debug("refreshed planner statistics of {}", stale);
        }
        return stale;
    }

    @Override
    protected void round() {
        refreshIfStale();
    }
}
