package tw.tongbao.gateway.operator;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How the operator API talks to the adapters and reads their health ({@code tongbao.ops.*}).
 *
 * @param confirmTimeout how long to wait for the broker's confirm of a command before answering 503 (default 5 s)
 * @param healthStaleAfter a health snapshot older than this is marked stale (default 15 s, three adapter intervals)
 * @param healthForgetAfter an instance silent this long is dropped from the board (default 10 min)
 * @param alertsKept how many alerts the gateway keeps, newest first (default 1000)
 * @param bulkRetryLimit most deliveries one bulk retry may command (default 5000)
 */
@ConfigurationProperties("tongbao.ops")
public record OpsProperties(
        Duration confirmTimeout,
        Duration healthStaleAfter,
        Duration healthForgetAfter,
        int alertsKept,
        int bulkRetryLimit) {

    public OpsProperties {
        confirmTimeout = positiveOr(confirmTimeout, Duration.ofSeconds(5));
        healthStaleAfter = positiveOr(healthStaleAfter, Duration.ofSeconds(15));
        healthForgetAfter = positiveOr(healthForgetAfter, Duration.ofMinutes(10));
        alertsKept = alertsKept > 0 ? alertsKept : 1000;
        bulkRetryLimit = bulkRetryLimit > 0 ? bulkRetryLimit : 5000;
    }

    private static Duration positiveOr(Duration value, Duration fallback) {
        return value == null || value.isZero() || value.isNegative() ? fallback : value;
    }
}
