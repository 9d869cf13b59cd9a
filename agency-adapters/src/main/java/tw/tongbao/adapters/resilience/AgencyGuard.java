package tw.tongbao.adapters.resilience;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.agency.Protocol;

/**
 * One agency's own protection: circuit breaker, rate limiter and bulkhead, so a slow or failing agency spends only
 * its own capacity.
 */
public final class AgencyGuard {

    private final Agency agency;
    private final CircuitBreaker circuitBreaker;
    private final RateLimiter rateLimiter;
    private final Bulkhead bulkhead;

    AgencyGuard(Agency agency, ResilienceProperties properties) {
        this.agency = agency;
        String name = agency.code().value();
        this.circuitBreaker = CircuitBreaker.of(
                name,
                CircuitBreakerConfig.custom()
                        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                        .slidingWindowSize(properties.slidingWindowSize())
                        .minimumNumberOfCalls(properties.minimumNumberOfCalls())
                        .failureRateThreshold(properties.failureRateThreshold())
                        .waitDurationInOpenState(properties.waitDurationInOpenState())
                        .permittedNumberOfCallsInHalfOpenState(properties.permittedCallsInHalfOpenState())
                        .automaticTransitionFromOpenToHalfOpenEnabled(true)
                        .recordExceptions(AgencyCallFailed.class)
                        .build());
        this.rateLimiter = RateLimiter.of(
                name,
                RateLimiterConfig.custom()
                        .limitForPeriod(agency.rateLimitPerSecond())
                        .limitRefreshPeriod(Duration.ofSeconds(1))
                        .timeoutDuration(properties.rateLimiterMaxWait())
                        .build());
        this.bulkhead = Bulkhead.of(
                name,
                BulkheadConfig.custom()
                        .maxConcurrentCalls(inFlightLimit(agency))
                        .maxWaitDuration(Duration.ZERO)
                        .build());
    }

    /**
     * Most tries of one agency under way at once: its {@code maxConcurrentCalls}, but for batch-csv at least its
     * {@code batchSize}, since a try there is a row waiting for its file to close and the file write is the real unit
     * of work (with fewer rows in flight, a batch could never fill).
     */
    public static int inFlightLimit(Agency agency) {
        return agency.protocol() == Protocol.BATCH_CSV
                ? Math.max(agency.batchSize(), agency.maxConcurrentCalls())
                : agency.maxConcurrentCalls();
    }

    /** Tries under way now (bulkhead permits taken). */
    public int inFlight() {
        return bulkhead.getBulkheadConfig().getMaxConcurrentCalls()
                - bulkhead.getMetrics().getAvailableConcurrentCalls();
    }

    /** Calls {@code listener} with (from, to) on every change of the breaker's state. */
    public void onCircuitTransition(
            java.util.function.BiConsumer<CircuitBreaker.State, CircuitBreaker.State> listener) {
        circuitBreaker
                .getEventPublisher()
                .onStateTransition(event -> listener.accept(
                        event.getStateTransition().getFromState(),
                        event.getStateTransition().getToState()));
    }

    /** The agency guarded. */
    public Agency agency() {
        return agency;
    }

    /** Whether the breaker keeps calls away right now (its deliveries are then not claimed). */
    public boolean isCircuitOpen() {
        CircuitBreaker.State state = circuitBreaker.getState();
        return state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN;
    }

    /** The breaker's state, for operators. */
    public CircuitBreaker.State circuitState() {
        return circuitBreaker.getState();
    }

    /** How many more calls may start now. */
    public int freeCallSlots() {
        return bulkhead.getMetrics().getAvailableConcurrentCalls();
    }

    /**
     * Takes a bulkhead slot and the breaker's permission for one call, or nothing when either refuses; a permit must
     * end with exactly one {@link Permit#succeeded}, {@link Permit#failed} or {@link Permit#abandon}.
     */
    public java.util.Optional<Permit> tryEnter() {
        if (!bulkhead.tryAcquirePermission()) {
            return java.util.Optional.empty();
        }
        if (!circuitBreaker.tryAcquirePermission()) {
            bulkhead.onComplete();
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new Permit());
    }

    /** Nanoseconds to wait before the call may go under the rate limit, or -1 when the wait would be too long. */
    public long reserveRate() {
        return rateLimiter.reservePermission();
    }

    /** Permission for one call to the agency. */
    public final class Permit {

        private boolean done;

        private Permit() {}

        /** The agency answered (delivered, rejected, or disabled): it is reachable. */
        public synchronized void succeeded(long durationMillis) {
            if (finish()) {
                circuitBreaker.onSuccess(durationMillis, TimeUnit.MILLISECONDS);
            }
        }

        /** The call failed in a retryable way; counts against the breaker. */
        public synchronized void failed(long durationMillis, String what) {
            if (finish()) {
                circuitBreaker.onError(durationMillis, TimeUnit.MILLISECONDS, new AgencyCallFailed(what));
            }
        }

        /** No call was made after all. */
        public synchronized void abandon() {
            if (finish()) {
                circuitBreaker.releasePermission();
            }
        }

        private boolean finish() {
            if (done) {
                return false;
            }
            done = true;
            bulkhead.onComplete();
            return true;
        }
    }

    /** What the breaker records as a failed call to an agency. */
    static final class AgencyCallFailed extends RuntimeException {
        AgencyCallFailed(String what) {
            super(what, null, false, false);
        }
    }
}
