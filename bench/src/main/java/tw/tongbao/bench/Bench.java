package tw.tongbao.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import tw.tongbao.bench.load.ChangeMix;
import tw.tongbao.bench.load.LoadGenerator;
import tw.tongbao.bench.perf.PerfTestRun;
import tw.tongbao.bench.report.BacklogResult;
import tw.tongbao.bench.report.Report;
import tw.tongbao.bench.report.ReportWriter;
import tw.tongbao.bench.report.StepResult;
import tw.tongbao.bench.system.BenchSystem;
import tw.tongbao.bench.system.Databases;
import tw.tongbao.bench.system.ProcessStats;
import tw.tongbao.bench.system.Sampler;

/** The benchmark command (issue 7): Tongbao under open-loop load, a backlog test, and PerfTest for comparison. */
public final class Bench {

    /** One round of the warm-up that waits for the JIT compilers to settle. */
    static final Duration JIT_ROUND = Duration.ofSeconds(20);

    /** The JIT compilers' CPU (gateway and adapters together) under which they count as settled. */
    static final double JIT_QUIET_CORES = 0.05;

    private Bench() {}

    public static void main(String[] args) throws IOException {
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.out.println(e.getMessage());
            System.exit(String.join(" ", args).contains("--help") ? 0 : 2);
            return;
        }
        boolean quick = String.join(" ", args).contains("--quick");
        String prefix = LocalDate.now() + (options.tag() == null ? "" : "-" + options.tag());
        Map<String, String> environment = environment();
        say(
                "Tongbao benchmark %s: rates %s changes/s × %d s, backlog %d, PerfTest %d s",
                prefix,
                options.rates(),
                options.stepDuration().toSeconds(),
                options.backlog(),
                options.perfTestSeconds());
        environment.forEach((k, v) -> say("  %s: %s", k, v));

        List<StepResult> steps = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        BacklogResult backlog = null;
        double peakGateway;
        double peakAdapters;
        Path runDirectory;
        BenchSystem.Settings settings = new BenchSystem.Settings(
                options.gatewayJar(),
                options.adaptersJar(),
                options.jvm(),
                options.referenceLimits(),
                options.agencyConcurrency(),
                options.batchInterval(),
                options.extraGatewayArgs(),
                options.extraAdaptersArgs());
        say("starting PostgreSQL databases, vhost, agency sinks, adapters and gateway…");
        try (BenchSystem system = BenchSystem.start(settings, Path.of("bench/target"));
                Sampler sampler =
                        new Sampler(system.gateway().pid(), system.adapters().pid());
                LoadGenerator load = new LoadGenerator(
                        system.gateway().baseUri(),
                        new ChangeMix(0, 7),
                        system.signIn(),
                        system.codes(),
                        options.maxInFlight())) {
            if (options.keep()) {
                system.keep();
            }
            runDirectory = system.directory();
            say(
                    "running in %s (gateway pid %d, adapters pid %d)",
                    runDirectory, system.gateway().pid(), system.adapters().pid());
            Scenarios scenarios = new Scenarios(system, sampler, load);
            if (!options.warmup().isZero()) {
                say(
                        "warm-up: %d changes/s for %d s (not reported)",
                        options.rates().get(0), options.warmup().toSeconds());
                scenarios.step(options.rates().get(0), options.warmup(), options.drainLimit());
            }
            notes.add(warmUntilTheJitSettles(scenarios, options));
            for (int rate : options.rates()) {
                say("step %d changes/s for %d s", rate, options.stepDuration().toSeconds());
                StepResult step = scenarios.step(rate, options.stepDuration(), options.drainLimit());
                steps.add(step);
                say(
                        "  → accepted %.0f/s, deliveries %.0f/s, accept→all p50 %.1f p99 %.1f max %.1f ms, errors %d %s,"
                                + " RSS gw %.0f ad %.0f MiB",
                        step.acceptedPerSecond(),
                        step.deliveriesPerSecond(),
                        step.acceptToAll().p50(),
                        step.acceptToAll().p99(),
                        step.acceptToAll().max(),
                        step.errorCount(),
                        step.failures(),
                        step.peakRssGatewayMib(),
                        step.peakRssAdaptersMib());
                if (!step.drained()) {
                    notes.add(String.format(
                            Locale.ROOT,
                            "Saturated at %d changes/s: its deliveries did not all arrive"
                                    + " within %d s, so higher rates were not run.",
                            rate,
                            options.drainLimit().toSeconds()));
                    say("  saturated: not every delivery arrived within the drain limit; skipping higher rates");
                    break;
                }
            }
            if (options.backlog() > 0 && steps.stream().allMatch(StepResult::drained)) {
                say("backlog: pausing all agencies, filing %d changes", options.backlog());
                backlog = scenarios.backlog(options.backlog(), options.backlogDrainLimit());
                say(
                        "  → drained %d of %d deliveries in %.0f s = %.0f/s; adapters RSS %.0f → %.0f → %.0f MiB",
                        backlog.delivered(),
                        backlog.expectedDeliveries(),
                        backlog.drainSeconds(),
                        backlog.drainRate(),
                        backlog.atResume(true),
                        backlog.peakDuringDrain(true),
                        backlog.atEnd(true));
            } else if (options.backlog() > 0) {
                notes.add("The backlog test was skipped: the last step had not drained, so a backlog was left over.");
            }
            peakGateway = ProcessStats.peakRssMib(system.gateway().pid());
            peakAdapters = ProcessStats.peakRssMib(system.adapters().pid());
            say(
                    "stopping gateway and adapters (peak RSS gateway %.0f MiB, adapters %.0f MiB)",
                    peakGateway, peakAdapters);
        }
        PerfTestRun.Result perfTest = null;
        if (options.perfTestSeconds() > 0) {
            say("RabbitMQ PerfTest for %d s…", options.perfTestSeconds());
            try {
                perfTest = PerfTestRun.run(
                        options.perfTestSeconds(), options.perfTestConfirm(), runDirectory.resolve("perftest.log"));
                say(
                        "  → published %.0f msg/s, delivered %.0f msg/s",
                        perfTest.sentPerSecond(), perfTest.receivedPerSecond());
            } catch (RuntimeException e) {
                notes.add("PerfTest failed: " + e.getMessage());
                say("  PerfTest failed: %s", e.getMessage());
            }
        }
        if (options.jfr()) {
            // Measured: a cold, overloaded gateway peaked at 574 MiB with the recorder, 438 MiB without it.
            notes.add("Flight recordings: " + runDirectory.resolve("gateway.jfr") + ", "
                    + runDirectory.resolve("adapters.jfr") + ". The memory figures include the flight recorder's"
                    + " own (about 130 MiB more in the gateway, measured once): judge the RSS target on a"
                    + " run without --jfr.");
        }
        environment.put("load average at end", read("/proc/loadavg").trim());
        for (StepResult step : steps) {
            double ours = step.cpuCores().entrySet().stream()
                    .filter(e -> !e.getKey().equals("machine") && !e.getKey().equals(ProcessStats.JIT))
                    .mapToDouble(e -> Math.max(0, e.getValue()))
                    .sum();
            double other = step.cpuCores().getOrDefault("machine", -1.0) - ours;
            if (other > 0.25) {
                notes.add(String.format(
                        Locale.ROOT,
                        "During the %.0f/s step other work used about %.2f of the %s"
                                + " cores (whole machine %.2f): the figures of that step are lower bounds.",
                        step.targetRate(),
                        other,
                        environment.get("cores"),
                        step.cpuCores().get("machine")));
            }
        }
        double loadAtStart =
                Double.parseDouble(environment.get("load average at start").split(" ")[0]);
        if (loadAtStart > 1.0) {
            notes.add(String.format(
                    Locale.ROOT,
                    "The machine was busy when the run began (1-minute load %.2f on %s"
                            + " cores): other work competed for CPU, PostgreSQL and RabbitMQ, so the figures are lower bounds.",
                    loadAtStart,
                    environment.get("cores")));
        }
        notes.add("Logs of this run: " + runDirectory + " (gateway.log, adapters.log, perftest.log).");
        Report report = new Report(
                prefix + (quick ? " (quick smoke run)" : " (full run)"),
                settings(options),
                environment,
                steps,
                backlog,
                perfTest,
                peakGateway,
                peakAdapters,
                notes);
        List<Path> files = ReportWriter.write(report, options.output(), prefix);
        say("wrote %s", files);
    }

    /**
     * Warms up on at the lowest rate, {@link #JIT_ROUND} at a time, until the JIT compilers of the gateway and the
     * adapters use less than {@link #JIT_QUIET_CORES} (at most {@code --jit-settle}): on two cores they compete with the
     * work for minutes after start, which a steady-state measurement should not count. Says how it went, for the
     * report's notes.
     */
    private static String warmUntilTheJitSettles(Scenarios scenarios, BenchOptions options) {
        long limit = options.jitSettleLimit().toSeconds();
        if (limit <= 0) {
            return "Warm-up: " + options.warmup().toSeconds() + " s; not extended until the JIT compilers settle.";
        }
        long extra = 0;
        double jit = -1;
        while (extra < limit) {
            StepResult round = scenarios.step(options.rates().get(0), JIT_ROUND, options.drainLimit());
            extra += JIT_ROUND.toSeconds();
            jit = round.cpuCores().getOrDefault(ProcessStats.JIT, -1.0);
            say("  warm-up +%d s: JIT compilers of gateway and adapters used %.2f cores", extra, jit);
            if (jit >= 0 && jit < JIT_QUIET_CORES) {
                return String.format(
                        Locale.ROOT,
                        "Warm-up: %d s, then %d s more until the JIT compilers of gateway and adapters used %.2f"
                                + " cores (under %.2f).",
                        options.warmup().toSeconds(),
                        extra,
                        jit,
                        JIT_QUIET_CORES);
            }
        }
        return String.format(
                Locale.ROOT,
                "Warm-up: %d s + %d s; the JIT compilers of gateway and adapters still used %.2f cores at the end (the"
                        + " first steps' figures include that compiling).",
                options.warmup().toSeconds(),
                extra,
                jit);
    }

    private static Map<String, String> settings(BenchOptions options) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("rates (changes/s)", options.rates().toString());
        settings.put(
                "step duration",
                options.stepDuration().toSeconds() + " s (+ warm-up "
                        + options.warmup().toSeconds() + " s at the lowest rate, then up to "
                        + options.jitSettleLimit().toSeconds() + " s more until the JIT settles; not reported)");
        settings.put("drain limit per step", options.drainLimit().toSeconds() + " s");
        settings.put("open-loop in-flight cap", Integer.toString(options.maxInFlight()));
        settings.put(
                "backlog",
                options.backlog() + " changes, drain limit "
                        + options.backlogDrainLimit().toSeconds() + " s");
        settings.put("gateway / adapters JVM", options.jvm().describe());
        settings.put(
                "agency limits",
                options.referenceLimits()
                        ? "the reference registry's own"
                        : "rateLimitPerSecond 100000, maxConcurrentCalls " + options.agencyConcurrency()
                                + ", batch-csv batchInterval " + options.batchInterval()
                                + " (batchSize as in the registry)");
        settings.put(
                "extra gateway / adapters arguments", options.extraGatewayArgs() + " / " + options.extraAdaptersArgs());
        settings.put("PerfTest", options.perfTestSeconds() + " s, confirm window " + options.perfTestConfirm());
        return settings;
    }

    private static Map<String, String> environment() {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        // Figures move with the processor (the same VM kind has come with Intel Xeon and AMD EPYC cores): say which.
        environment.put("CPU", cpuModel(read("/proc/cpuinfo")));
        environment.put(
                "memory", read("/proc/meminfo").lines().findFirst().orElse("?").replaceAll("\\s+", " "));
        environment.put("load average at start", read("/proc/loadavg").trim());
        environment.put("JVM", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        environment.put("PostgreSQL", Databases.serverSettings());
        return environment;
    }

    /** The processor's model name from {@code /proc/cpuinfo}, "?" when it has none. */
    static String cpuModel(String cpuinfo) {
        return cpuinfo.lines()
                .filter(line -> line.startsWith("model name"))
                .map(line -> line.substring(line.indexOf(':') + 1).trim())
                .findFirst()
                .orElse("?");
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file));
        } catch (IOException e) {
            return "?";
        }
    }

    static void say(String format, Object... args) {
        System.out.println(LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")) + " "
                + String.format(Locale.ROOT, format, args));
        System.out.flush();
    }

    static void sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
