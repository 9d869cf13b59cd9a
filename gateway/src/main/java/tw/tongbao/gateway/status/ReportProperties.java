package tw.tongbao.gateway.status;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How the gateway gathers delivery reports into batches ({@code tongbao.reports.*}).
 *
 * @param batchSize most reports one transaction applies (default 100)
 * @param messagesAtOnce most messages taken off the queue at once, twice that prefetched (default 100). Reports a
 *     batch holds are put in revision order before they are judged, so reports of one delivery that reach the queue
 *     out of order (after a requeue) still apply when they come in one batch; a message holds up to 100 reports, so
 *     at the default up to 10,000 reports (about 10 MB) are in hand and as many on their way
 * @param receiveTimeout how long a batch waits for one more message before it is applied (default 20 ms)
 * @param maxBatchWait how long a batch gathers messages at most, however steadily they arrive (default 100 ms)
 */
@ConfigurationProperties("tongbao.reports")
public record ReportProperties(int batchSize, int messagesAtOnce, Duration receiveTimeout, Duration maxBatchWait) {

    public ReportProperties {
        batchSize = batchSize > 0 ? batchSize : 100;
        messagesAtOnce = messagesAtOnce > 0 ? messagesAtOnce : 100;
        receiveTimeout = positiveOr(receiveTimeout, Duration.ofMillis(20));
        maxBatchWait = positiveOr(maxBatchWait, Duration.ofMillis(100));
    }

    private static Duration positiveOr(Duration value, Duration fallback) {
        return value == null || value.isZero() || value.isNegative() ? fallback : value;
    }
}
