package tw.tongbao.gateway.upkeep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PeriodicUpkeepTests {

    private final AtomicInteger rounds = new AtomicInteger();

    @Test
    void aFailedRoundIsFollowedByTheNext() {
        PeriodicUpkeep upkeep = counting(Duration.ofMillis(10), 1);
        upkeep.start();
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> rounds.get() >= 3);
        } finally {
            upkeep.stop();
        }
        assertThat(upkeep.isRunning()).isFalse();
    }

    @Test
    void noIntervalRunsNoRounds() {
        PeriodicUpkeep upkeep = counting(Duration.ZERO, 0);
        upkeep.start();

        await().during(Duration.ofMillis(200)).until(() -> rounds.get() == 0);
        assertThat(upkeep.isRunning()).isFalse();
    }

    /** Counts its rounds; round number {@code failing} throws, as a round does while the database is away. */
    private PeriodicUpkeep counting(Duration interval, int failing) {
        return new PeriodicUpkeep("test-upkeep", interval) {
            @Override
            protected void round() {
                if (rounds.incrementAndGet() == failing) {
                    throw new IllegalStateException("database away");
                }
            }
        };
    }
}
