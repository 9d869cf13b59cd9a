package tw.tongbao.gateway.outbox;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How the outbox relay publishes filed changes ({@code tongbao.outbox.*}).
 *
 * @param pollInterval how often the relay looks for unpublished rows besides the kick after each filing (default 1 s)
 * @param batchSize most rows one relay transaction publishes (default 100)
 * @param confirmTimeout how long to wait for the broker's confirm of one message before trying later (default 10 s)
 */
@ConfigurationProperties("tongbao.outbox")
public record OutboxProperties(Duration pollInterval, int batchSize, Duration confirmTimeout) {

    public OutboxProperties {
        pollInterval = positiveOr(pollInterval, Duration.ofSeconds(1));
        batchSize = batchSize > 0 ? batchSize : 100;
        confirmTimeout = positiveOr(confirmTimeout, Duration.ofSeconds(10));
    }

    private static Duration positiveOr(Duration value, Duration fallback) {
        return value == null || value.isZero() || value.isNegative() ? fallback : value;
    }
}
