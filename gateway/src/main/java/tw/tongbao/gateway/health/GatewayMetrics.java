package tw.tongbao.gateway.health;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import tw.tongbao.core.change.ChangeType;
import tw.tongbao.core.delivery.DeliveryStatus;

/**
 * The gateway's own series, read from its database at most once per {@code CACHE_FOR} however often Prometheus
 * scrapes: {@code tongbao_changes_filed_total{type}}, {@code tongbao_gateway_deliveries{status}},
 * {@code tongbao_outbox_backlog} (changes not yet confirmed by the broker), {@code tongbao_outbox_oldest_seconds},
 * and {@code tongbao_report_lag_seconds} (the longest time, over the last minute, between a status change at the
 * adapters and the gateway recording it). Figures of the whole database, the same on every gateway.
 *
 * <p>No read grows with the tables (V10): the counts are the {@link KeptCounts}, the deliveries' summed over the
 * agencies; the outbox is read through its index of unpublished rows; the report lag through a block-range index on
 * when steps were recorded, so only the last minute's pages are read.
 */
@Component
class GatewayMetrics {

    private static final Logger log = LoggerFactory.getLogger(GatewayMetrics.class);
    private static final Duration CACHE_FOR = Duration.ofSeconds(5);

    private final JdbcTemplate jdbc;
    private final KeptCounts counts;
    private final Clock clock;
    private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of(), 0, 0, 0, Instant.EPOCH);

    GatewayMetrics(JdbcTemplate jdbc, KeptCounts counts, Clock clock, MeterRegistry registry) {
        this.jdbc = jdbc;
        this.counts = counts;
        this.clock = clock;
        for (ChangeType type : ChangeType.values()) {
            FunctionCounter.builder(
                            "tongbao.changes.filed",
                            this,
                            m -> m.current().filed().getOrDefault(type.name(), 0L))
                    .description("Changes filed at the gateway, by type")
                    .tag("type", type.name())
                    .register(registry);
        }
        for (DeliveryStatus status : DeliveryStatus.values()) {
            Gauge.builder(
                            "tongbao.gateway.deliveries",
                            this,
                            m -> m.current().deliveries().getOrDefault(status.name(), 0L))
                    .description("The gateway's deliveries by status")
                    .tag("status", status.name())
                    .register(registry);
        }
        Gauge.builder("tongbao.outbox.backlog", this, m -> m.current().outboxBacklog())
                .description("Filed changes not yet confirmed by the broker")
                .register(registry);
        Gauge.builder("tongbao.outbox.oldest", this, m -> m.current().outboxOldestSeconds())
                .description("Age of the oldest unpublished change")
                .baseUnit("seconds")
                .register(registry);
        Gauge.builder("tongbao.report.lag", this, m -> m.current().reportLagSeconds())
                .description("Longest delay over the last minute between a delivery status change and the gateway"
                        + " recording it")
                .baseUnit("seconds")
                .register(registry);
    }

    /** The figures as of at most {@code CACHE_FOR} ago; the last good ones while the database is unreachable. */
    Snapshot current() {
        Snapshot cached = snapshot;
        Instant now = clock.instant();
        if (cached.takenAt().plus(CACHE_FOR).isAfter(now)) {
            return cached;
        }
        synchronized (this) {
            if (snapshot.takenAt().plus(CACHE_FOR).isAfter(now)) {
                return snapshot;
            }
            try {
                snapshot = read(now);
            } catch (RuntimeException e) {
                log.debug("gateway metrics not refreshed: {}", e.toString());
                snapshot = new Snapshot(
                        snapshot.filed(),
                        snapshot.deliveries(),
                        snapshot.outboxBacklog(),
                        snapshot.outboxOldestSeconds(),
                        snapshot.reportLagSeconds(),
                        now);
            }
            return snapshot;
        }
    }

    private Snapshot read(Instant now) {
        KeptCounts.Counts counted = counts.read();
        Map<String, Object> outbox = jdbc.queryForMap("select count(*) as n, coalesce(extract(epoch from"
                + " (now() - min(created_at))), 0) as oldest from outbox where published_at is null");
        // Revision 0 is the filing's own step; an acknowledgement's step has a revision too (the report it follows),
        // but is recorded when it happens, so it adds no lag.
        Double lag = jdbc.queryForObject(
                "select coalesce(extract(epoch from max(recorded_at - at)), 0) from delivery_event"
                        + " where recorded_at > now() - interval '1 minute' and revision > 0",
                Double.class);
        return new Snapshot(
                counted.changesByType(),
                counted.deliveriesByStatus(),
                ((Number) outbox.get("n")).longValue(),
                ((Number) outbox.get("oldest")).doubleValue(),
                lag == null ? 0 : Math.max(0, lag),
                now);
    }

    /** One reading of the database. */
    record Snapshot(
            Map<String, Long> filed,
            Map<String, Long> deliveries,
            long outboxBacklog,
            double outboxOldestSeconds,
            double reportLagSeconds,
            Instant takenAt) {}
}
