package tw.tongbao.adapters;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How the adapters' delivery engine runs ({@code tongbao.adapters.*}).
 *
 * @param leaseDuration how long a claimed delivery stays reserved beyond the agency's timeout before another
 *     dispatcher may try it again
 * @param pollInterval how often each dispatcher looks for due deliveries when nothing woke it
 * @param claimBatchSize most deliveries one dispatcher claims in one go (also bounded by free bulkhead permits)
 * @param jitterFraction how far a retry wait may stray from the schedule, as a fraction (0.2 = ±20 %)
 * @param maxRetryAfter the longest {@code Retry-After} hint honoured
 * @param consumerPrefetch unacknowledged messages each agency queue's consumer may hold
 * @param databaseDownBackoff how long the consumer waits before requeueing a message it could not store
 * @param relayBatchSize most report rows the relay publishes in one go
 * @param relayPollInterval how often the relay looks for reports when nothing woke it
 * @param confirmTimeout how long the relay waits for the broker's confirm of one report
 */
@ConfigurationProperties("tongbao.adapters")
public record AdaptersProperties(
        Duration leaseDuration,
        Duration pollInterval,
        int claimBatchSize,
        double jitterFraction,
        Duration maxRetryAfter,
        int consumerPrefetch,
        Duration databaseDownBackoff,
        int relayBatchSize,
        Duration relayPollInterval,
        Duration confirmTimeout) {

    public AdaptersProperties {
        leaseDuration = leaseDuration != null ? leaseDuration : Duration.ofMinutes(2);
        pollInterval = pollInterval != null ? pollInterval : Duration.ofSeconds(1);
        claimBatchSize = claimBatchSize > 0 ? claimBatchSize : 16;
        jitterFraction = jitterFraction > 0 ? jitterFraction : 0.2;
        maxRetryAfter = maxRetryAfter != null ? maxRetryAfter : Duration.ofHours(24);
        consumerPrefetch = consumerPrefetch > 0 ? consumerPrefetch : 20;
        databaseDownBackoff = databaseDownBackoff != null ? databaseDownBackoff : Duration.ofSeconds(2);
        relayBatchSize = relayBatchSize > 0 ? relayBatchSize : 100;
        relayPollInterval = relayPollInterval != null ? relayPollInterval : Duration.ofSeconds(1);
        confirmTimeout = confirmTimeout != null ? confirmTimeout : Duration.ofSeconds(10);
        if (jitterFraction >= 1) {
            throw new IllegalArgumentException(
                    "tongbao.adapters.jitter-fraction must be below 1, was " + jitterFraction);
        }
    }

    /** The defaults, as if nothing were configured. */
    public static AdaptersProperties defaults() {
        return new AdaptersProperties(null, null, 0, 0, null, 0, null, 0, null, null);
    }
}
