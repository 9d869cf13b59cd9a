package tw.tongbao.bench.system;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcessStatsTests {

    @Test
    void countsTheCompilerThreadsAsPartOfTheProcess() {
        long self = ProcessHandle.current().pid();

        double jit = ProcessStats.compilerCpuSeconds(self);

        // This JVM has compiled the test framework by now, and its compilers are some of its threads.
        assertThat(jit).isGreaterThan(0).isLessThanOrEqualTo(ProcessStats.cpuSeconds(self));
    }

    @Test
    void saysSoWhenTheProcessIsGone() {
        assertThat(ProcessStats.compilerCpuSeconds(Long.MAX_VALUE)).isEqualTo(-1);
        assertThat(ProcessStats.cpuSnapshot(Long.MAX_VALUE, Long.MAX_VALUE))
                .containsEntry(ProcessStats.JIT, -1.0)
                .containsEntry("gateway", -1.0);
    }
}
