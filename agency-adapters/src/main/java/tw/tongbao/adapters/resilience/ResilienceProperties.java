package tw.tongbao.adapters.resilience;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Each agency's circuit breaker ({@code tongbao.adapters.resilience.*}); rate limit, concurrency and timeout come
 * from the agency's registry entry.
 *
 * @param slidingWindowSize how many recent calls the breaker judges (count-based)
 * @param minimumNumberOfCalls calls needed before the breaker may open
 * @param failureRateThreshold percentage of failed calls that opens the breaker
 * @param waitDurationInOpenState how long the breaker stays open before letting trial calls through
 * @param permittedCallsInHalfOpenState trial calls made while half-open
 * @param rateLimiterMaxWait longest a call waits for the agency's rate limiter before it is released untried
 */
@ConfigurationProperties("tongbao.adapters.resilience")
public record ResilienceProperties(
        int slidingWindowSize,
        int minimumNumberOfCalls,
        float failureRateThreshold,
        Duration waitDurationInOpenState,
        int permittedCallsInHalfOpenState,
        Duration rateLimiterMaxWait) {

    public ResilienceProperties {
        slidingWindowSize = slidingWindowSize > 0 ? slidingWindowSize : 20;
        minimumNumberOfCalls = minimumNumberOfCalls > 0 ? minimumNumberOfCalls : 10;
        failureRateThreshold = failureRateThreshold > 0 ? failureRateThreshold : 50f;
        waitDurationInOpenState = waitDurationInOpenState != null ? waitDurationInOpenState : Duration.ofSeconds(30);
        permittedCallsInHalfOpenState = permittedCallsInHalfOpenState > 0 ? permittedCallsInHalfOpenState : 2;
        rateLimiterMaxWait = rateLimiterMaxWait != null ? rateLimiterMaxWait : Duration.ofSeconds(5);
    }

    /** The defaults, as if nothing were configured. */
    public static ResilienceProperties defaults() {
        return new ResilienceProperties(0, 0, 0, null, 0, null);
    }
}
