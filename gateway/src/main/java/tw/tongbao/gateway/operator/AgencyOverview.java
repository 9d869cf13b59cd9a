package tw.tongbao.gateway.operator;

import java.time.Instant;
import java.util.Map;

/**
 * One agency as operators see it: the registry's facts, the adapters' merged health, and the gateway's own counts.
 *
 * @param code the agency's code
 * @param name display names by language tag
 * @param protocol how it takes deliveries
 * @param basis LAW or CONSENT
 * @param circuitState the worst breaker state among live adapter instances ({@code OPEN} over {@code HALF_OPEN} over
 *     {@code CLOSED}), or {@code UNKNOWN} without any snapshot
 * @param paused an operator paused it (from the newest snapshot)
 * @param disabled it answered 410 and waits for ENABLE (from the newest snapshot)
 * @param backlog open deliveries, from the newest snapshot, or the gateway's own count of PENDING and RETRYING when
 *     there is no live snapshot
 * @param inFlight tries under way, summed over live instances
 * @param deliveredPerMinute deliveries in the last minute, summed over live instances
 * @param failedPerMinute failed tries in the last minute, summed over live instances
 * @param p95LatencyMillis the highest p95 latency among live instances, or null
 * @param lastError the newest error among instances, or null
 * @param lastErrorAt when it happened, or null
 * @param observedAt when the newest snapshot was taken, or null
 * @param stale no snapshot is younger than {@code tongbao.ops.health-stale-after}: the figures are old
 * @param instances adapter instances that reported
 * @param counts the gateway's own deliveries of this agency by status
 */
record AgencyOverview(
        String code,
        Map<String, String> name,
        String protocol,
        String basis,
        String circuitState,
        boolean paused,
        boolean disabled,
        long backlog,
        int inFlight,
        long deliveredPerMinute,
        long failedPerMinute,
        Long p95LatencyMillis,
        String lastError,
        Instant lastErrorAt,
        Instant observedAt,
        boolean stale,
        int instances,
        Map<String, Long> counts) {}
