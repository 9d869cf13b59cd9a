package tw.tongbao.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import tw.tongbao.bench.system.ServiceJvm;

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
        assertThat(options.jitSettleLimit()).isEqualTo(Duration.ofSeconds(300));
        assertThat(BenchOptions.parse("--jit-settle 0").jitSettleLimit()).isZero();
    }

    @Test
    void servicesRunWithAFixedTouchedHeapAndExtraFlagsLast() {
        BenchOptions options = BenchOptions.parse("--heap 200m --jvm-flag=-XX:+UseG1GC --jvm-flag -Dtrace=on");

        List<String> flags = options.jvm().flags(Path.of("gateway.jfr"));

        assertThat(flags).contains("-Xms200m", "-Xmx200m", "-XX:+AlwaysPreTouch", "-XX:+UseSerialGC");
        assertThat(flags.subList(flags.size() - 2, flags.size())).containsExactly("-XX:+UseG1GC", "-Dtrace=on");
        assertThat(flags).noneMatch(flag -> flag.startsWith("-XX:StartFlightRecording"));
        assertThat(BenchOptions.parse("--jfr").jvm().flags(Path.of("gateway.jfr")))
                .anyMatch(flag -> flag.startsWith("-XX:StartFlightRecording") && flag.endsWith("gateway.jfr"));
        assertThat(ServiceJvm.ENVIRONMENT).containsEntry("MALLOC_ARENA_MAX", "2");
        assertThat(options.jvm().describe()).contains("-Xms200m -Xmx200m").contains("MALLOC_ARENA_MAX=2");
    }

    @Test
    void quickRunIsSmall() {
        BenchOptions options = BenchOptions.parse("--quick");

        assertThat(options.rates()).hasSize(2);
        assertThat(options.backlog()).isLessThanOrEqualTo(2000);
        assertThat(options.jitSettleLimit()).isZero();
    }

    @Test
    void refusesUnknownOptions() {
        assertThatThrownBy(() -> BenchOptions.parse("--fast")).hasMessageContaining("unknown option --fast");
    }
}
