package tw.tongbao.gateway.status;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How the gateway gathers delivery reports into batches ({@code tongbao.reports.*}).
 *
 * @param batchSize most reports one transaction applies, and most messages taken off the queue at once (default 100)
 * @param receiveTimeout how long a batch waits for one more message before it is applied (default 20 ms)
 * @param maxBatchWait how long a batch gathers messages at most, however steadily they arrive (default 100 ms)
 */
@ConfigurationProperties("tongbao.reports")
public record ReportProperties(int batchSize, Duration receiveTimeout, Duration maxBatchWait) {

    public ReportProperties {
        batchSize = batchSize > 0 ? batchSize : 100;
        receiveTimeout = positiveOr(receiveTimeout, Duration.ofMillis(20));
        maxBatchWait = positiveOr(maxBatchWait, Duration.ofMillis(100));
    }

    private static Duration positiveOr(Duration value, Duration fallback) {
        return value == null || value.isZero() || value.isNegative() ? fallback : value;
    }
}
