package tw.tongbao.gateway.operator;

import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.stereotype.Component;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.agency.AgencyRegistry;
import tw.tongbao.core.control.AgencyHealth;
import tw.tongbao.core.delivery.DeliveryStatus;
import tw.tongbao.gateway.health.KeptCounts;

/**
 * Merges the adapter instances' snapshots of each agency. Per-instance figures (circuit, in-flight, last minute) come
 * only from live snapshots; shared ones (backlog, paused, disabled) from the newest; without a live snapshot the
 * newest stale one is shown, marked stale, and the backlog falls back to the gateway's own count. The gateway's
 * counts of each agency's deliveries by status are the {@link KeptCounts}, so a poll reads no table whole.
 */
@Component
class AgencyOverviews {

    private final AgencyRegistry registry;
    private final HealthBoard board;
    private final KeptCounts counts;
    private final Clock clock;
    private final OpsProperties properties;

    AgencyOverviews(
            AgencyRegistry registry, HealthBoard board, KeptCounts counts, Clock clock, OpsProperties properties) {
        this.registry = registry;
        this.board = board;
        this.counts = counts;
        this.clock = clock;
        this.properties = properties;
    }

    List<AgencyOverview> all() {
        KeptCounts.Counts counted = counts.read();
        return registry.all().stream()
                .map(agency ->
                        overview(agency, counted.deliveriesOf(agency.code().value())))
                .toList();
    }

    private AgencyOverview overview(Agency agency, Map<String, Long> counts) {
        String code = agency.code().value();
        Collection<AgencyHealth> snapshots = board.snapshots(code);
        Instant liveSince = clock.instant().minus(properties.healthStaleAfter());
        List<AgencyHealth> live = snapshots.stream()
                .filter(health -> !health.observedAt().isBefore(liveSince))
                .toList();
        AgencyHealth newest = snapshots.stream()
                .max(Comparator.comparing(AgencyHealth::observedAt))
                .orElse(null);
        AgencyHealth lastFailure = snapshots.stream()
                .filter(health -> health.lastErrorAt() != null)
                .max(Comparator.comparing(AgencyHealth::lastErrorAt))
                .orElse(null);
        long gatewayBacklog = counts.getOrDefault(DeliveryStatus.PENDING.name(), 0L)
                + counts.getOrDefault(DeliveryStatus.RETRYING.name(), 0L);
        boolean stale = live.isEmpty();
        List<AgencyHealth> figures = stale ? (newest == null ? List.of() : List.of(newest)) : live;
        return new AgencyOverview(
                code,
                agency.name(),
                agency.protocol().name(),
                agency.basis().name(),
                figures.stream()
                        .map(AgencyHealth::circuitState)
                        .max(Comparator.comparingInt(AgencyOverviews::severity))
                        .orElse("UNKNOWN"),
                newest != null && newest.paused(),
                newest != null && newest.disabled(),
                stale || newest == null ? gatewayBacklog : newest.backlog(),
                stale ? 0 : live.stream().mapToInt(AgencyHealth::inFlight).sum(),
                stale
                        ? 0
                        : live.stream()
                                .mapToLong(AgencyHealth::deliveredLastMinute)
                                .sum(),
                stale
                        ? 0
                        : live.stream()
                                .mapToLong(AgencyHealth::failedLastMinute)
                                .sum(),
                figures.stream()
                        .map(AgencyHealth::p95LatencyMillis)
                        .filter(Objects::nonNull)
                        .max(Long::compare)
                        .orElse(null),
                lastFailure == null ? null : lastFailure.lastError(),
                lastFailure == null ? null : lastFailure.lastErrorAt(),
                newest == null ? null : newest.observedAt(),
                stale,
                snapshots.size(),
                counts);
    }

    /** How alarming a breaker state is: open is worst. */
    static int severity(String circuitState) {
        if (circuitState == null) {
            return -1;
        }
        return switch (circuitState) {
            case "OPEN", "FORCED_OPEN" -> 3;
            case "HALF_OPEN" -> 2;
            case "CLOSED" -> 0;
            default -> 1;
        };
    }
}
