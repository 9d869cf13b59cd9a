package tw.tongbao.gateway.health;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The exact row counts the database keeps (V10, V11): changes by type and deliveries by agency and status, each read as
 * its total plus the deltas {@link MetricsUpkeep} has not folded yet, so a read costs the same however many rows there
 * are.
 */
@Component
public class KeptCounts {

    static final String CHANGE_TYPE = "change.type";
    static final String DELIVERY_AGENCY_STATUS = "delivery.agency_status";

    // One statement, so one snapshot: a delta that a fold moves into its total counts once, before or after.
    private static final String READ = "select series, label, sum(n) as n from (select series, label, total as n"
            + " from metric_count union all select series, label, delta from metric_count_delta) as counted"
            + " group by series, label having sum(n) <> 0";

    private final JdbcTemplate jdbc;

    public KeptCounts(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The counts as of one moment. */
    public Counts read() {
        Map<String, Long> changesByType = new HashMap<>();
        Map<String, Map<String, Long>> deliveries = new HashMap<>();
        jdbc.query(READ, rs -> {
            String label = rs.getString("label");
            switch (rs.getString("series")) {
                case CHANGE_TYPE -> changesByType.put(label, rs.getLong("n"));
                case DELIVERY_AGENCY_STATUS -> {
                    // "NTA PENDING": agency codes and statuses have no spaces.
                    int space = label.indexOf(' ');
                    deliveries
                            .computeIfAbsent(label.substring(0, space), agency -> new TreeMap<>())
                            .put(label.substring(space + 1), rs.getLong("n"));
                }
                default -> {
                    // A series this version does not read.
                }
            }
        });
        deliveries.replaceAll((agency, byStatus) -> Collections.unmodifiableMap(byStatus));
        return new Counts(Map.copyOf(changesByType), Map.copyOf(deliveries));
    }

    /**
     * One reading; counts that are zero are left out.
     *
     * @param changesByType changes by type
     * @param deliveries deliveries by agency code, then by status
     */
    public record Counts(Map<String, Long> changesByType, Map<String, Map<String, Long>> deliveries) {

        /** The deliveries of all agencies by status. */
        public Map<String, Long> deliveriesByStatus() {
            Map<String, Long> byStatus = new HashMap<>();
            deliveries.values().forEach(counts -> counts.forEach((status, n) -> byStatus.merge(status, n, Long::sum)));
            return Map.copyOf(byStatus);
        }

        /** One agency's deliveries by status, in status order. */
        public Map<String, Long> deliveriesOf(String agency) {
            return deliveries.getOrDefault(agency, Map.of());
        }
    }
}
