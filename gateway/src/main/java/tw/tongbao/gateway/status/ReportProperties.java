package tw.tongbao.gateway.status;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How the gateway gathers delivery reports into batches ({@code tongbao.reports.*}).
 *
 * @param batchSize most reports one transaction applies (default 100)
 * @param messagesAtOnce most messages taken off the queue at once, twice that prefetched (default 10: a message
 *     holds up to 100 reports, so 1,000 reports in hand and 2,000 on their way at most)
 * @param receiveTimeout how long a batch waits for one more message before it is applied (default 20 ms)
 * @param maxBatchWait how long a batch gathers messages at most, however steadily they arrive (default 100 ms)
 */
@ConfigurationProperties("tongbao.reports")
public record ReportProperties(int batchSize, int messagesAtOnce, Duration receiveTimeout, Duration maxBatchWait) {

    public ReportProperties {
        batchSize = batchSize > 0 ? batchSize : 100;
        messagesAtOnce = messagesAtOnce > 0 ? messagesAtOnce : 10;
        receiveTimeout = positiveOr(receiveTimeout, Duration.ofMillis(20));
        maxBatchWait = positiveOr(maxBatchWait, Duration.ofMillis(100));
    }

    private static Duration positiveOr(Duration value, Duration fallback) {
        return value == null || value.isZero() || value.isNegative() ? fallback : value;
    }
}
