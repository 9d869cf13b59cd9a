package tw.tongbao.adapters.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import tw.tongbao.core.agency.Agency;

class RetryPolicyTests {

    private static final Instant NOW = Instant.parse("2026-11-26T09:00:00Z");
    private static final List<Duration> SCHEDULE = Agency.DEFAULT_RETRY_SCHEDULE;

    private final RetryPolicy exact = new RetryPolicy(0, Duration.ofHours(24), RandomGenerator.getDefault());
    private final RetryPolicy jittered = new RetryPolicy(0.2, Duration.ofHours(24), RandomGenerator.getDefault());

    @Test
    void followsTheScheduleEntryAfterTheTriesMade() {
        assertThat(exact.nextAttempt(SCHEDULE, 1, null, NOW)).contains(NOW.plusSeconds(10));
        assertThat(exact.nextAttempt(SCHEDULE, 2, null, NOW)).contains(NOW.plus(Duration.ofMinutes(1)));
        assertThat(exact.nextAttempt(SCHEDULE, 9, null, NOW)).contains(NOW.plus(Duration.ofHours(24)));
    }

    @Test
    void givesUpAfterTheLastScheduledTry() {
        assertThat(exact.nextAttempt(SCHEDULE, SCHEDULE.size(), null, NOW)).isEmpty();
        assertThat(exact.nextAttempt(List.of(Duration.ZERO, Duration.ofMillis(200)), 2, null, NOW))
                .isEmpty();
    }

    @RepeatedTest(50)
    void jitterStaysWithinTwentyPercent() {
        Instant next = jittered.nextAttempt(SCHEDULE, 3, null, NOW).orElseThrow();
        Duration wait = Duration.between(NOW, next);
        assertThat(wait).isBetween(Duration.ofSeconds(240), Duration.ofSeconds(360));
    }

    @Test
    void jitterActuallyVaries() {
        long distinct = java.util.stream.IntStream.range(0, 20)
                .mapToObj(i -> jittered.nextAttempt(SCHEDULE, 1, null, NOW).orElseThrow())
                .distinct()
                .count();
        assertThat(distinct).isGreaterThan(1);
    }

    @Test
    void retryAfterLaterThanTheScheduleMovesTheTry() {
        assertThat(exact.nextAttempt(SCHEDULE, 1, Duration.ofMinutes(3), NOW))
                .contains(NOW.plus(Duration.ofMinutes(3)));
    }

    @Test
    void retryAfterShorterThanTheScheduleIsIgnored() {
        assertThat(exact.nextAttempt(SCHEDULE, 3, Duration.ofSeconds(1), NOW))
                .contains(NOW.plus(Duration.ofMinutes(5)));
    }

    @Test
    void retryAfterIsCappedAtTwentyFourHours() {
        assertThat(exact.nextAttempt(SCHEDULE, 1, Duration.ofDays(7), NOW)).contains(NOW.plus(Duration.ofHours(24)));
    }

    @Test
    void retryAfterDoesNotRevivePastTheLastTry() {
        assertThat(exact.nextAttempt(SCHEDULE, SCHEDULE.size(), Duration.ofSeconds(5), NOW))
                .isEmpty();
    }
}
