package tw.tongbao.core.control;

import java.time.Instant;

/**
 * One adapter instance's view of one agency, published every few seconds for operators.
 *
 * <p>Circuit state, in-flight calls and the last minute's figures are per instance; backlog, paused and disabled are
 * read from the adapters' shared database.
 *
 * @param agency the agency's code
 * @param instance the adapter instance that observed it
 * @param circuitState the breaker's state ({@code CLOSED}, {@code OPEN}, {@code HALF_OPEN}, …)
 * @param paused an operator paused it
 * @param disabled it answered 410 and waits for an operator's ENABLE
 * @param backlog open deliveries ({@code PENDING} or {@code RETRYING})
 * @param inFlight tries under way on this instance
 * @param deliveredLastMinute tries that delivered in the last minute
 * @param failedLastMinute tries that did not deliver in the last minute (retried, rejected, parked)
 * @param p95LatencyMillis the 95th percentile of try durations in the last minute, or null without tries
 * @param lastError the last failed try's error, or null
 * @param lastErrorAt when it happened, or null
 * @param observedAt when this snapshot was taken
 */
public record AgencyHealth(
        String agency,
        String instance,
        String circuitState,
        boolean paused,
        boolean disabled,
        long backlog,
        int inFlight,
        long deliveredLastMinute,
        long failedLastMinute,
        Long p95LatencyMillis,
        String lastError,
        Instant lastErrorAt,
        Instant observedAt) {}
