package tw.tongbao.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The kept counts (V10's totals plus unfolded deltas, deliveries by agency and status since V11), checked against
 * counting the rows themselves.
 */
public final class MetricCounts {

    private static final String KEPT = "select series || ':' || label as counted, sum(n) as n from ("
            + " select series, label, total as n from metric_count"
            + " union all select series, label, delta from metric_count_delta) as kept"
            + " group by series, label having sum(n) <> 0";

    private MetricCounts() {}

    /**
     * Asserts that the kept counts of changes by type and deliveries by agency and status are the rows' counts.
     *
     * @return the kept counts, as {@link #kept} reads them
     */
    public static Map<String, Long> assertExact(JdbcTemplate jdbc) {
        Map<String, Long> rows = new HashMap<>();
        Map<String, Long> kept = new HashMap<>();
        // One statement, so both are read from one snapshot while other transactions go on.
        jdbc.query(
                "select 'rows', 'change.type:' || type, count(*) from change group by type"
                        + " union all select 'rows', 'delivery.agency_status:' || agency || ' ' || status,"
                        + " count(*) from delivery group by agency, status"
                        + " union all select 'kept', counted, n from (" + KEPT + ") as k",
                rs -> {
                    (rs.getString(1).equals("rows") ? rows : kept).put(rs.getString(2), rs.getLong(3));
                });
        assertThat(kept).as("kept counts").isEqualTo(rows).isNotEmpty();
        return kept;
    }

    /** The counts as the metrics read them, those that fell to zero left out. */
    public static Map<String, Long> kept(JdbcTemplate jdbc) {
        Map<String, Long> kept = new HashMap<>();
        jdbc.query(KEPT, rs -> {
            kept.put(rs.getString("counted"), rs.getLong("n"));
        });
        return kept;
    }

    /** The kept counts with the deliveries' added up by status over the agencies ({@code delivery.status:PENDING}). */
    public static Map<String, Long> keptByStatus(JdbcTemplate jdbc) {
        Map<String, Long> byStatus = new HashMap<>();
        kept(jdbc)
                .forEach((counted, n) -> byStatus.merge(
                        counted.startsWith("delivery.agency_status:")
                                ? "delivery.status:" + counted.substring(counted.lastIndexOf(' ') + 1)
                                : counted,
                        n,
                        Long::sum));
        return byStatus;
    }
}
