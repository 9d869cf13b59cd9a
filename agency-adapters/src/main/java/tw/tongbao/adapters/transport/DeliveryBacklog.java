package tw.tongbao.adapters.transport;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * How many open deliveries (PENDING or RETRYING) each agency has, for the health snapshot taken every few seconds, at a
 * cost bounded by {@link #EXACT_UP_TO} rows per agency whatever the backlog: the figure is exact up to that many; above
 * it, it is PostgreSQL's estimate from the statistics of the last {@code ANALYZE} ({@link PlannerStatistics}), never
 * less than the exact part. Counting every open row cost 131 ms per snapshot at a 50,000 backlog and grew with it.
 * Without VACUUM the index still holds an entry for every delivery that was open since, and each one read is a heap
 * fetch (there is no visibility map); once a scan finds such an entry dead it marks it, and later scans skip it.
 */
@Repository
public class DeliveryBacklog {

    /** Up to this many open deliveries of an agency are counted exactly; enough to watch a queue drain to zero. */
    public static final int EXACT_UP_TO = 1_000;

    private final JdbcClient jdbc;

    public DeliveryBacklog(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Open deliveries of each of {@code agencies}, exact up to {@link #EXACT_UP_TO}, estimated above it. */
    public Map<String, Long> of(Collection<String> agencies) {
        Map<String, Long> backlog = new HashMap<>();
        if (agencies.isEmpty()) {
            return backlog;
        }
        // The exact part reads the open rows' partial index (V3) in its order, stopping one entry past the limit. The
        // ORDER BY is what keeps it on the index: with a bare LIMIT the planner preferred a sequential scan, expecting
        // the open rows spread evenly through the table, but they are the newest, behind every settled row and dead
        // version (no VACUUM here), so each agency's scan read most of the table (170 ms a snapshot in a benchmark).
        jdbc.sql("SELECT a.agency, CASE WHEN o.n <= :exact THEN o.n"
                        + " ELSE greatest(o.n, adapter_open_estimate(a.agency)) END AS open"
                        + " FROM unnest(CAST(:agencies AS text[])) AS a(agency) CROSS JOIN LATERAL"
                        + " (SELECT count(*) AS n FROM (SELECT 1 FROM adapter_delivery d WHERE d.agency = a.agency"
                        + " AND d.status IN ('PENDING', 'RETRYING') ORDER BY d.subject_ref, d.sequence"
                        + " LIMIT :exact + 1) x) o")
                .param("exact", EXACT_UP_TO)
                .param("agencies", agencies.toArray(String[]::new))
                .query(rs -> {
                    backlog.put(rs.getString("agency"), rs.getLong("open"));
                });
        return backlog;
    }
}
