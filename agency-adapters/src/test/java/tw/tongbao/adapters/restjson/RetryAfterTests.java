package tw.tongbao.adapters.restjson;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryAfterTests {

    private static final Instant NOW = Instant.parse("2026-11-26T09:00:00Z");

    @Test
    void readsDeltaSeconds() {
        assertThat(RetryAfter.parse(" 120 ", NOW)).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void readsAnHttpDate() {
        assertThat(RetryAfter.parse("Thu, 26 Nov 2026 09:05:00 GMT", NOW)).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void readsAPastHttpDateAsNoWait() {
        assertThat(RetryAfter.parse("Thu, 26 Nov 2026 08:00:00 GMT", NOW)).isEqualTo(Duration.ZERO);
    }

    @Test
    void ignoresWhatItCannotRead() {
        assertThat(RetryAfter.parse("soon", NOW)).isNull();
        assertThat(RetryAfter.parse("", NOW)).isNull();
        assertThat(RetryAfter.parse(null, NOW)).isNull();
    }
}
