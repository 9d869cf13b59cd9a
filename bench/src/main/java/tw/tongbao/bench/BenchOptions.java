package tw.tongbao.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import tw.tongbao.bench.system.ServiceJvm;

/**
 * The benchmark's settings, from {@code --name value} or {@code --name=value} arguments.
 *
 * @param rates changes per second of each open-loop step, ascending
 * @param stepDuration how long each step sends
 * @param warmup how long the unreported warm-up step sends (at the lowest rate)
 * @param jitSettleLimit most extra warm-up, in 20-second rounds at the lowest rate, until the gateway's and adapters'
 *     JIT compilers go quiet (zero: none)
 * @param drainLimit longest wait for a step's deliveries after it stops sending
 * @param backlog changes accepted while the agencies are paused (0 skips the backlog test)
 * @param backlogDrainLimit longest wait for the backlog to drain
 * @param perfTestSeconds how long RabbitMQ PerfTest runs (0 skips it)
 * @param perfTestConfirm PerfTest's most unconfirmed publishes
 * @param heap the gateway's and adapters' heap ({@code -Xms} and {@code -Xmx})
 * @param maxInFlight the load generator's cap on requests in flight; one over it is a drop
 * @param agencyConcurrency maxConcurrentCalls of every agency (and sink threads), unless reference limits are kept
 * @param batchInterval batchInterval of the batch-csv agencies, unless reference limits are kept
 * @param referenceLimits keep the reference registry's rate limits, concurrency and batch intervals
 * @param jfr record a Java Flight Recording of the gateway and the adapters
 * @param output where the report files go
 * @param gatewayJar the packaged gateway
 * @param adaptersJar the packaged adapters
 * @param extraGatewayArgs more {@code --key=value} arguments for the gateway
 * @param extraAdaptersArgs more {@code --key=value} arguments for the adapters
 * @param extraJvmFlags more JVM flags for both, after the benchmark's own
 * @param keep keep the databases and vhost afterwards
 * @param tag what the report files are called after the date ({@code report} unless given)
 */
record BenchOptions(
        List<Integer> rates,
        Duration stepDuration,
        Duration warmup,
        Duration jitSettleLimit,
        Duration drainLimit,
        int backlog,
        Duration backlogDrainLimit,
        int perfTestSeconds,
        int perfTestConfirm,
        String heap,
        int maxInFlight,
        int agencyConcurrency,
        String batchInterval,
        boolean referenceLimits,
        boolean jfr,
        Path output,
        Path gatewayJar,
        Path adaptersJar,
        List<String> extraGatewayArgs,
        List<String> extraAdaptersArgs,
        List<String> extraJvmFlags,
        boolean keep,
        String tag) {

    static final String USAGE = """
            Tongbao benchmark (issue 7). Runs the packaged gateway and adapters against fast local agency sinks,
            then RabbitMQ PerfTest on the same broker, and writes docs/benchmarks/<date>-report.{md,csv} and PNGs.

              --quick                    2-minute smoke run (rates 50,150; 8 s steps; backlog 2000; PerfTest 8 s)
              --rates 100,250,500,...    changes/s of the open-loop steps (default 100,250,500,1000,1500,2000)
              --duration 20              seconds per step (default 20)
              --warmup 10                seconds of unreported warm-up at the lowest rate (default 10)
              --jit-settle 300           then warm up on, 20 s at a time, until the JIT compilers of gateway and
                                         adapters use < 0.05 core, at most this many seconds; 0: don't (default
                                         300, --quick 0)
              --drain-limit 60           most seconds to wait for a step's deliveries (default 60)
              --backlog 100000           changes accepted with agencies paused; 0 skips (default 100000)
              --backlog-drain-limit 900  most seconds to drain the backlog (default 900)
              --perftest-seconds 20      PerfTest duration; 0 skips (default 20)
              --perftest-confirm 100     PerfTest's most unconfirmed publishes (default 100)
              --heap 224m                heap of gateway and adapters, -Xms = -Xmx (default 224m; serial
                                         collector, heap touched at start, MALLOC_ARENA_MAX=2)
              --jvm-flag FLAG            extra JVM flag for both, after those (repeatable), e.g. -XX:+UseG1GC
              --max-in-flight 512        open-loop cap on requests in flight (default 512)
              --agency-concurrency 64    maxConcurrentCalls of every agency (default 64)
              --batch-interval 250ms     batchInterval of the batch-csv agencies (default 250ms)
              --reference-limits         keep the registry's own rate limits, concurrency and batch intervals
              --jfr                      record gateway.jfr and adapters.jfr in the run directory
              --output docs/benchmarks   where the report goes
              --gateway-jar PATH         default gateway/target/gateway-0.1.0-SNAPSHOT.jar
              --adapters-jar PATH        default agency-adapters/target/agency-adapters-0.1.0-SNAPSHOT.jar
              --gateway-arg --k=v        extra gateway argument (repeatable)
              --adapters-arg --k=v       extra adapters argument (repeatable)
              --keep                     keep the run's databases and vhost
              --tag NAME                 report files <date>-NAME-report.* instead of <date>-report.*
            """;

    private static final java.util.Set<String> VALUED = java.util.Set.of(
            "--rates",
            "--duration",
            "--warmup",
            "--jit-settle",
            "--drain-limit",
            "--backlog",
            "--backlog-drain-limit",
            "--perftest-seconds",
            "--perftest-confirm",
            "--heap",
            "--max-in-flight",
            "--agency-concurrency",
            "--batch-interval",
            "--output",
            "--gateway-jar",
            "--adapters-jar",
            "--gateway-arg",
            "--adapters-arg",
            "--jvm-flag",
            "--tag");

    static BenchOptions parse(String... raw) {
        List<String> args = new ArrayList<>();
        // exec:exec passes -Dbench.args as one argument; split it like a shell would (no quoting needed here).
        Arrays.stream(raw)
                .flatMap(a -> Arrays.stream(a.trim().split("\\s+")))
                .filter(a -> !a.isEmpty())
                .forEach(args::add);
        boolean quick = args.contains("--quick");
        List<Integer> rates = quick ? List.of(50, 150) : List.of(100, 250, 500, 1000, 1500, 2000);
        Duration step = Duration.ofSeconds(quick ? 8 : 20);
        Duration warmup = Duration.ofSeconds(quick ? 4 : 10);
        Duration jitSettle = Duration.ofSeconds(quick ? 0 : 300);
        Duration drain = Duration.ofSeconds(quick ? 30 : 60);
        int backlog = quick ? 2000 : 100_000;
        Duration backlogDrain = Duration.ofSeconds(quick ? 60 : 900);
        int perfSeconds = quick ? 8 : 20;
        int perfConfirm = 100;
        String heap = "224m";
        int inFlight = 512;
        int concurrency = 64;
        String batchInterval = "250ms";
        boolean referenceLimits = false;
        boolean jfr = false;
        boolean keep = false;
        String tag = quick ? "quick" : null;
        Path output = Path.of("docs/benchmarks");
        Path gatewayJar = Path.of("gateway/target/gateway-0.1.0-SNAPSHOT.jar");
        Path adaptersJar = Path.of("agency-adapters/target/agency-adapters-0.1.0-SNAPSHOT.jar");
        List<String> gatewayArgs = new ArrayList<>();
        List<String> adaptersArgs = new ArrayList<>();
        List<String> jvmFlags = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            boolean flag = switch (name) {
                case "--quick", "--reference-limits", "--jfr", "--keep", "--help" -> true;
                default -> false;
            };
            if (!flag && !VALUED.contains(name)) {
                throw new IllegalArgumentException("unknown option " + name + "\n" + USAGE);
            }
            String value = null;
            if (!flag) {
                if (arg.contains("=")) {
                    value = arg.substring(arg.indexOf('=') + 1);
                } else if (i + 1 < args.size()) {
                    value = args.get(++i);
                } else {
                    throw new IllegalArgumentException(name + " needs a value\n" + USAGE);
                }
            }
            switch (name) {
                case "--quick" -> {}
                case "--help" -> throw new IllegalArgumentException(USAGE);
                case "--reference-limits" -> referenceLimits = true;
                case "--jfr" -> jfr = true;
                case "--keep" -> keep = true;
                case "--rates" ->
                    rates = Arrays.stream(value.split(","))
                            .map(String::trim)
                            .map(Integer::parseInt)
                            .sorted()
                            .toList();
                case "--duration" -> step = Duration.ofSeconds(Long.parseLong(value));
                case "--warmup" -> warmup = Duration.ofSeconds(Long.parseLong(value));
                case "--jit-settle" -> jitSettle = Duration.ofSeconds(Long.parseLong(value));
                case "--drain-limit" -> drain = Duration.ofSeconds(Long.parseLong(value));
                case "--backlog" -> backlog = Integer.parseInt(value);
                case "--backlog-drain-limit" -> backlogDrain = Duration.ofSeconds(Long.parseLong(value));
                case "--perftest-seconds" -> perfSeconds = Integer.parseInt(value);
                case "--perftest-confirm" -> perfConfirm = Integer.parseInt(value);
                case "--heap" -> heap = value;
                case "--max-in-flight" -> inFlight = Integer.parseInt(value);
                case "--agency-concurrency" -> concurrency = Integer.parseInt(value);
                case "--batch-interval" -> batchInterval = value;
                case "--output" -> output = Path.of(value);
                case "--gateway-jar" -> gatewayJar = Path.of(value);
                case "--adapters-jar" -> adaptersJar = Path.of(value);
                case "--gateway-arg" -> gatewayArgs.add(value);
                case "--adapters-arg" -> adaptersArgs.add(value);
                case "--jvm-flag" -> jvmFlags.add(value);
                case "--tag" -> tag = value;
                default -> throw new IllegalArgumentException("unknown option " + name + "\n" + USAGE);
            }
        }
        if (rates.isEmpty() || rates.get(0) <= 0) {
            throw new IllegalArgumentException("--rates needs positive numbers");
        }
        return new BenchOptions(
                rates,
                step,
                warmup,
                jitSettle,
                drain,
                backlog,
                backlogDrain,
                perfSeconds,
                perfConfirm,
                heap,
                inFlight,
                concurrency,
                batchInterval,
                referenceLimits,
                jfr,
                output,
                gatewayJar,
                adaptersJar,
                List.copyOf(gatewayArgs),
                List.copyOf(adaptersArgs),
                List.copyOf(jvmFlags),
                keep,
                tag);
    }

    /** How the gateway and the adapters are run. */
    ServiceJvm jvm() {
        return new ServiceJvm(heap, jfr, extraJvmFlags);
    }
}
