package tw.tongbao.gateway.health;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tw.tongbao.gateway.upkeep.PeriodicUpkeep;

/**
 * Keeps what {@link GatewayMetrics} reads small (V10), every {@code tongbao.metrics.upkeep-interval}:
 *
 * <ul>
 *   <li>Folds the count deltas that the tables' triggers append, one per label per statement, into the totals, so a
 *       read of the counts reads a few dozen totals and only the deltas appended since. Only the fold touches the totals,
 *       so no filing or report transaction ever waits on a counter another gateway holds. The deltas are deleted and
 *       added to the totals in one statement, so every reader sees each delta once: either still as a delta or already
 *       in its total. One gateway folds at a time (the others skip that round), and the deltas' table is vacuumed
 *       after a fold, since autovacuum may be off and the emptied pages would otherwise never be used again.
 *   <li>Summarizes each block range of {@code delivery_event} that has filled up since, so the report lag's index
 *       skips all but the last minute's ranges. Only full ranges: inserts into a summarized range must keep its
 *       summary up to date, inserts into the unsummarized last range cost nothing.
 * </ul>
 */
@Component
class MetricsUpkeep extends PeriodicUpkeep {

    private static final Logger log = LoggerFactory.getLogger(MetricsUpkeep.class);

    /** The advisory lock one gateway's fold holds ("tgcounts"). */
    private static final long FOLD_LOCK = 0x7467_636f_756e_7473L;

    /** As V10 creates {@code delivery_event_recorded}. */
    static final int PAGES_PER_RANGE = 32;

    private static final String FOLD = "with folded as (delete from metric_count_delta returning series, label, delta),"
            + " totals as (insert into metric_count as c (series, label, total)"
            + "   select series, label, sum(delta) from folded group by series, label"
            + "   on conflict (series, label) do update set total = c.total + excluded.total)"
            + " select count(*) from folded";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;

    /** The first block of the first range not known to be summarized: all of them, once per start. */
    private long unsummarizedFrom;

    MetricsUpkeep(JdbcTemplate jdbc, PlatformTransactionManager transactions, MetricsProperties properties) {
        super("metrics-upkeep", properties.upkeepInterval());
        this.jdbc = jdbc;
        this.transaction = new TransactionTemplate(transactions);
    }

    /**
     * Adds the count deltas to the totals unless another gateway is doing so right now.
     *
     * @return how many deltas it folded
     */
    int foldCounts() {
        Integer folded = transaction.execute(status -> {
            if (!Boolean.TRUE.equals(
                    jdbc.queryForObject("select pg_try_advisory_xact_lock(?)", Boolean.class, FOLD_LOCK))) {
                return 0;
            }
            return jdbc.queryForObject(FOLD, Integer.class);
        });
        if (folded != null && folded > 0) {
            // Outside the transaction, as VACUUM must be; what a snapshot older than the fold still sees, the next
            // round's VACUUM removes.
            jdbc.execute("vacuum (skip_locked) metric_count_delta, metric_count");
            log.debug("folded {} count deltas into the totals", folded);
        }
        return folded == null ? 0 : folded;
    }

    /**
     * Summarizes the timeline's full block ranges not summarized yet.
     *
     * @return how many ranges it summarized
     */
    synchronized int summarizeTimelineRanges() {
        Map<String, Object> done = jdbc.queryForMap(
                "select coalesce(sum(brin_summarize_range('delivery_event_recorded'::regclass, b)), 0) as summarized,"
                        + " max(b) as last"
                        + " from generate_series(?::bigint,"
                        + "   pg_relation_size('delivery_event') / current_setting('block_size')::bigint - ?, ?) as b",
                unsummarizedFrom,
                PAGES_PER_RANGE,
                PAGES_PER_RANGE);
        if (done.get("last") instanceof Number last) {
            unsummarizedFrom = last.longValue() + PAGES_PER_RANGE;
        }
        int summarized = ((Number) done.get("summarized")).intValue();
        if (summarized > 0) {
            log.debug("summarized {} block ranges of the timeline", summarized);
        }
        return summarized;
    }

    @Override
    protected void round() {
        foldCounts();
        summarizeTimelineRanges();
    }
}
