package tw.tongbao.adapters;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs a fresh JVM that believes it has two cores (the common pool is fixed when first used, so this cannot be tried
 * inside the test's own JVM) and counts the threads that 500 async completions start.
 */
class CommonPoolSizeTests {

    @Test
    void asyncStepsReuseThreadsOnATwoCoreMachine() throws Exception {
        String[] sized = run(true).split(" ");
        String[] unsized = run(false).split(" ");

        assertThat(sized[0]).isEqualTo("2");
        assertThat(Long.parseLong(sized[1])).isLessThan(50);
        // The same JVM without the call: one new thread per step, which is what the call is there to prevent.
        assertThat(unsized[0]).isEqualTo("1");
        assertThat(Long.parseLong(unsized[1])).isGreaterThanOrEqualTo(500);
    }

    private static String run(boolean sized) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process process = new ProcessBuilder(List.of(
                        java,
                        "-XX:ActiveProcessorCount=2",
                        "-cp",
                        System.getProperty("java.class.path"),
                        Probe.class.getName(),
                        Boolean.toString(sized)))
                .redirectErrorStream(true)
                .start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    /** The child JVM: optionally sizes the pool, then prints the pool's parallelism and the threads 500 steps started. */
    static final class Probe {

        public static void main(String[] args) {
            if (Boolean.parseBoolean(args[0])) {
                CommonPoolSize.atLeastTwo();
            }
            var threads = ManagementFactory.getThreadMXBean();
            long before = threads.getTotalStartedThreadCount();
            CompletableFuture<Integer> chain = CompletableFuture.completedFuture(0);
            for (int i = 0; i < 500; i++) {
                chain = chain.thenApplyAsync(n -> n + 1);
            }
            chain.join();
            long started = threads.getTotalStartedThreadCount() - before;
            System.out.println(ForkJoinPool.getCommonPoolParallelism() + " " + started);
        }
    }
}
