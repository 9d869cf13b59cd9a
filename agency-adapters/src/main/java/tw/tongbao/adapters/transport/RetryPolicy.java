package tw.tongbao.adapters.transport;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * When a failed delivery is tried next: the agency's schedule with jitter, moved later by a {@code Retry-After} hint
 * (itself capped), or never once the schedule is spent.
 *
 * <p>The schedule's n-th entry is the wait before try n+1, so its first entry is the wait before the first try and its
 * length is the number of tries.
 */
public final class RetryPolicy {

    private final double jitterFraction;
    private final Duration maxRetryAfter;
    private final RandomGenerator random;

    public RetryPolicy(double jitterFraction, Duration maxRetryAfter, RandomGenerator random) {
        if (jitterFraction < 0 || jitterFraction >= 1) {
            throw new IllegalArgumentException("jitter must be in [0, 1), was " + jitterFraction);
        }
        this.jitterFraction = jitterFraction;
        this.maxRetryAfter = maxRetryAfter;
        this.random = random;
    }

    /**
     * When to try again after {@code attemptsMade} tries, or empty when the schedule is spent.
     *
     * @param retryAfter the agency's hint, or null
     */
    public Optional<Instant> nextAttempt(List<Duration> schedule, int attemptsMade, Duration retryAfter, Instant now) {
        if (attemptsMade >= schedule.size()) {
            return Optional.empty();
        }
        Duration wait = jittered(schedule.get(attemptsMade));
        if (retryAfter != null && !retryAfter.isNegative()) {
            Duration hint = retryAfter.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : retryAfter;
            wait = hint.compareTo(wait) > 0 ? hint : wait;
        }
        return Optional.of(now.plus(wait));
    }

    private Duration jittered(Duration wait) {
        if (wait.isZero() || jitterFraction == 0) {
            return wait;
        }
        double factor = 1 + random.nextDouble(-jitterFraction, jitterFraction);
        return Duration.ofNanos(Math.round(wait.toNanos() * factor));
    }
}
