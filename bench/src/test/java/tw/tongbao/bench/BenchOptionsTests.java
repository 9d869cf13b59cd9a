package tw.tongbao.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchOptionsTests {

    @Test
    void readsOneStringAsMavenPassesItAndBothOptionStyles() {
        BenchOptions options = BenchOptions.parse(
                "--rates 500,100 --duration=5 --backlog 1000 --gateway-arg=--tongbao.outbox.batch-size=500 --jfr");

        assertThat(options.rates()).containsExactly(100, 500);
        assertThat(options.stepDuration()).isEqualTo(Duration.ofSeconds(5));
        assertThat(options.backlog()).isEqualTo(1000);
        assertThat(options.extraGatewayArgs()).isEqualTo(List.of("--tongbao.outbox.batch-size=500"));
        assertThat(options.jfr()).isTrue();
    }

    @Test
    void quickRunIsSmall() {
        BenchOptions options = BenchOptions.parse("--quick");

        assertThat(options.rates()).hasSize(2);
        assertThat(options.backlog()).isLessThanOrEqualTo(2000);
    }

    @Test
    void refusesUnknownOptions() {
        assertThatThrownBy(() -> BenchOptions.parse("--fast")).hasMessageContaining("unknown option --fast");
    }
}
