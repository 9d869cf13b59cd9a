package tw.tongbao.gateway.outbox;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How the outbox relay publishes filed changes ({@code tongbao.outbox.*}).
 *
 * @param pollInterval how often the relay looks for unpublished rows besides the kick after each filing (default 1 s)
 * @param batchSize most rows one relay transaction publishes (default 100)
 * @param confirmTimeout how long to wait for the broker's confirm of one message before trying later (default 10 s)
 * @param changesPerMessage most consecutive changes one message holds (default 100), so that each addressed queue is
 *     written once per message rather than once per change; 1 sends every change alone, as before batches, which
 *     adapters older than {@code ChangeFiledBatch} need while they still run
 * @param messageBytes most bytes of body one message holds (default 128 KiB), however few its changes; a larger single
 *     change still goes, alone
 * @param vacuumAfter how many outbox rows the relay deletes before it vacuums the outbox (default 10,000): autovacuum
 *     may be off, and until a vacuum every claim reads the index entries of the rows deleted; 0 never vacuums, for
 *     servers whose autovacuum keeps up
 */
@ConfigurationProperties("tongbao.outbox")
public record OutboxProperties(
        Duration pollInterval,
        int batchSize,
        Duration confirmTimeout,
        int changesPerMessage,
        int messageBytes,
        Integer vacuumAfter) {

    public OutboxProperties {
        pollInterval = positiveOr(pollInterval, Duration.ofSeconds(1));
        batchSize = batchSize > 0 ? batchSize : 100;
        confirmTimeout = positiveOr(confirmTimeout, Duration.ofSeconds(10));
        changesPerMessage = changesPerMessage > 0 ? changesPerMessage : 100;
        messageBytes = messageBytes > 0 ? messageBytes : 128 * 1024;
        vacuumAfter = vacuumAfter != null ? vacuumAfter : 10_000;
        if (vacuumAfter < 0) {
            throw new IllegalArgumentException(
                    "tongbao.outbox.vacuum-after must be 0 (never) or more, was " + vacuumAfter);
        }
    }

    private static Duration positiveOr(Duration value, Duration fallback) {
        return value == null || value.isZero() || value.isNegative() ? fallback : value;
    }
}
