package tw.tongbao.bench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import tw.tongbao.bench.system.Sampler;

/** Writes a {@link Report} as Markdown, CSV (per rate and scope; backlog time series) and PNG charts. */
public final class ReportWriter {

    private ReportWriter() {}

    /** Writes {@code <prefix>-report.md}, {@code .csv}, {@code -backlog.csv} and the PNGs; returns the files. */
    public static List<Path> write(Report report, Path directory, String prefix) throws IOException {
        Files.createDirectories(directory);
        List<Path> files = new ArrayList<>();
        Path csv = directory.resolve(prefix + "-report.csv");
        Files.writeString(csv, stepsCsv(report), StandardCharsets.UTF_8);
        files.add(csv);
        Path latencyPng = directory.resolve(prefix + "-report.png");
        if (!report.steps().isEmpty()) {
            Charts.latencyThroughput(report.steps(), latencyPng);
            files.add(latencyPng);
        }
        Path backlogPng = directory.resolve(prefix + "-backlog.png");
        if (report.backlog() != null) {
            Path backlogCsv = directory.resolve(prefix + "-backlog.csv");
            Files.writeString(backlogCsv, backlogCsv(report.backlog()), StandardCharsets.UTF_8);
            files.add(backlogCsv);
            Charts.backlog(report.backlog(), backlogPng);
            files.add(backlogPng);
        }
        Path markdown = directory.resolve(prefix + "-report.md");
        Files.writeString(
                markdown,
                markdown(
                        report,
                        latencyPng.getFileName().toString(),
                        backlogPng.getFileName().toString()),
                StandardCharsets.UTF_8);
        files.add(0, markdown);
        return files;
    }

    static String markdown(Report report, String latencyPng, String backlogPng) {
        StringBuilder md = new StringBuilder();
        md.append("# Tongbao benchmark — ").append(report.title()).append("\n\n");
        md.append("Produced by `bench` (see `bench/README.md`); the method is described at the end.\n\n");
        md.append("## Targets (issue 7, 2-core machine)\n\n");
        md.append("| target | measured | met? |\n|---|---|---|\n");
        for (String[] row : targets(report)) {
            md.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        md.append("\n## Open-loop steps\n\n");
        md.append("Latencies in ms as p50 / p95 / p99 / max. *accept* = the gateway's 202 reached the load generator;"
                + " *delivered* = the agency sink received and verified it (batch agencies: the file was seen).\n\n");
        md.append("| offered changes/s | accepted changes/s | deliveries/s | intake (send → 202) | accept → all"
                + " agencies | errors | drained | peak RSS gateway / adapters MiB | CPU cores gw / ad / pg / mq /"
                + " bench / whole machine / JIT in gw + ad |\n");
        md.append("|---|---|---|---|---|---|---|---|---|\n");
        for (StepResult step : report.steps()) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %.0f | %.0f | %.0f | %s | %s | %s | %s | %.0f / %.0f | %s |%n",
                    step.targetRate(),
                    step.acceptedPerSecond(),
                    step.deliveriesPerSecond(),
                    step.intake().cell(),
                    step.acceptToAll().cell(),
                    step.errorCount() == 0 ? "0" : step.errorCount() + " (" + failures(step.failures()) + ")",
                    step.drained() ? "yes" : "**no**",
                    step.peakRssGatewayMib(),
                    step.peakRssAdaptersMib(),
                    cpu(step.cpuCores())));
        }
        md.append("\nCounts: ");
        md.append(report.steps().stream()
                .map(s -> String.format(
                        Locale.ROOT,
                        "%.0f/s: %d sent, %d accepted, %d of %d deliveries",
                        s.targetRate(),
                        s.sent(),
                        s.accepted(),
                        s.delivered(),
                        s.expectedDeliveries()))
                .collect(Collectors.joining("; ")));
        md.append(".\n\n![throughput and latency](").append(latencyPng).append(")\n\n");
        md.append("### Accept → delivered per agency (ms, p50 / p95 / p99 / max)\n\n");
        if (!report.steps().isEmpty()) {
            List<String> agencies =
                    new ArrayList<>(report.steps().get(0).perAgency().keySet());
            md.append("| offered changes/s | ")
                    .append(String.join(" | ", agencies))
                    .append(" |\n");
            md.append("|---|").append("---|".repeat(agencies.size())).append("\n");
            for (StepResult step : report.steps()) {
                md.append(String.format(Locale.ROOT, "| %.0f | ", step.targetRate()));
                md.append(agencies.stream()
                        .map(a -> step.perAgency().get(a).cell())
                        .collect(Collectors.joining(" | ")));
                md.append(" |\n");
            }
        }
        md.append("\n## RabbitMQ PerfTest on the same broker\n\n");
        if (report.perfTest() == null) {
            md.append("Not run.\n");
        } else {
            var perf = report.perfTest();
            md.append(String.format(
                    Locale.ROOT,
                    "Published %.0f msg/s, delivered %.0f msg/s over the 8 queues (consumer latency %s).%n%n",
                    perf.sentPerSecond(),
                    perf.receivedPerSecond(),
                    perf.consumerLatency()));
            md.append(String.format(
                    Locale.ROOT,
                    "Tongbao's best end-to-end deliveries/s: %.0f = **%.1f %%** of PerfTest's delivered rate.%n",
                    report.bestDeliveriesPerSecond(),
                    100 * report.bestDeliveriesPerSecond() / perf.receivedPerSecond()));
            if (report.backlog() != null) {
                md.append(String.format(
                        Locale.ROOT,
                        "Backlog drain (adapters alone, agencies resumed on a full inbox): %.0f deliveries/s = %.1f %%.%n",
                        report.backlog().drainRate(),
                        100 * report.backlog().drainRate() / perf.receivedPerSecond()));
            }
            md.append("\n`PerfTest ").append(String.join(" ", perf.command())).append("`\n");
        }
        md.append("\n## Backlog: agencies paused, changes accepted, agencies resumed\n\n");
        BacklogResult backlog = report.backlog();
        if (backlog == null) {
            md.append("Not run.\n");
        } else {
            md.append(String.format(
                    Locale.ROOT,
                    "- Filled: %d of %d changes accepted in %.0f s (%.0f changes/s, closed loop, 64 in flight);"
                            + " %d deliveries expected.%n",
                    backlog.accepted(),
                    backlog.changes(),
                    backlog.fillSeconds(),
                    backlog.fillRate(),
                    backlog.expectedDeliveries()));
            md.append(String.format(
                    Locale.ROOT,
                    "- Drained: %d deliveries in %.0f s after the resume = **%.0f deliveries/s**%s.%n",
                    backlog.delivered(),
                    backlog.drainSeconds(),
                    backlog.drainRate(),
                    backlog.drained() ? "" : " (**not complete within the drain limit**)"));
            md.append(String.format(
                    Locale.ROOT,
                    "- Memory (VmRSS, MiB) at resume → peak during drain → end: gateway %.0f → %.0f → %.0f;"
                            + " adapters %.0f → %.0f → %.0f.%n",
                    backlog.atResume(false),
                    backlog.peakDuringDrain(false),
                    backlog.atEnd(false),
                    backlog.atResume(true),
                    backlog.peakDuringDrain(true),
                    backlog.atEnd(true)));
            md.append("- CPU cores gw / ad / pg / mq / bench / whole machine / JIT in gw + ad while filling: ")
                    .append(cpu(backlog.fillCores()))
                    .append("; while draining: ")
                    .append(cpu(backlog.drainCores()))
                    .append(".\n");
            md.append("- Errors: ")
                    .append(backlog.failures().isEmpty() ? "none" : failures(backlog.failures()))
                    .append(".\n\n![backlog](")
                    .append(backlogPng)
                    .append(")\n");
        }
        md.append("\n## Notes\n\n");
        report.notes().forEach(note -> md.append("- ").append(note).append("\n"));
        md.append("\n## Settings and machine\n\n| setting | value |\n|---|---|\n");
        report.settings()
                .forEach((k, v) ->
                        md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        report.environment()
                .forEach((k, v) ->
                        md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        md.append("\n## Method\n\n").append(METHOD);
        return md.toString();
    }

    static List<String[]> targets(Report report) {
        List<String[]> rows = new ArrayList<>();
        if (report.perfTest() != null && report.perfTest().receivedPerSecond() > 0) {
            double ratio = report.bestDeliveriesPerSecond() / report.perfTest().receivedPerSecond();
            rows.add(row(
                    "end-to-end deliveries/s ≥ 40 % of PerfTest's",
                    String.format(
                            Locale.ROOT,
                            "%.0f / %.0f = %.1f %%",
                            report.bestDeliveriesPerSecond(),
                            report.perfTest().receivedPerSecond(),
                            100 * ratio),
                    ratio >= 0.4));
        } else {
            rows.add(new String[] {"end-to-end deliveries/s ≥ 40 % of PerfTest's", "PerfTest not run", "–"});
        }
        double intake = Math.max(
                report.bestCleanIntake(),
                report.backlog() == null ? 0 : report.backlog().fillRate());
        rows.add(row(
                "intake ≥ 1,500 changes/s",
                String.format(Locale.ROOT, "%.0f changes/s (best step with < 1 %% failed, or backlog fill)", intake),
                intake >= 1500));
        Optional<StepResult> at500 = report.step(500);
        rows.add(
                at500.isPresent() && at500.get().acceptToAll().count() > 0
                        ? row(
                                "p99 accept → all agencies ≤ 500 ms at 500 changes/s",
                                LatencySummary.ms(at500.get().acceptToAll().p99()) + " ms"
                                        + (at500.get().drained() ? "" : " (not all delivered)"),
                                at500.get().acceptToAll().p99() <= 500
                                        && at500.get().drained())
                        : new String[] {"p99 accept → all agencies ≤ 500 ms at 500 changes/s", "500/s not run", "–"});
        rows.add(row(
                "gateway and adapters ≤ 512 MB RSS each",
                String.format(
                        Locale.ROOT,
                        "peak (VmHWM) gateway %.0f MiB, adapters %.0f MiB",
                        report.peakRssGatewayMib(),
                        report.peakRssAdaptersMib()),
                report.peakRssGatewayMib() <= 512 && report.peakRssAdaptersMib() <= 512));
        if (report.backlog() != null) {
            BacklogResult b = report.backlog();
            double growth = b.peakDuringDrain(true) - b.atResume(true);
            rows.add(row(
                    "memory flat while draining the backlog",
                    String.format(
                            Locale.ROOT,
                            "adapters +%.0f MiB, gateway +%.0f MiB from resume to peak",
                            growth,
                            b.peakDuringDrain(false) - b.atResume(false)),
                    b.peakDuringDrain(true) <= 512 && b.peakDuringDrain(false) <= 512 && growth < 64));
        }
        return rows;
    }

    private static String[] row(String target, String measured, boolean met) {
        return new String[] {target, measured, met ? "yes" : "**no**"};
    }

    static String stepsCsv(Report report) {
        StringBuilder csv = new StringBuilder(
                "offered_per_s,scope,accepted_per_s,deliveries_per_s,count,p50_ms,p95_ms,p99_ms,max_ms,errors,drained,"
                        + "peak_rss_gateway_mib,peak_rss_adapters_mib\n");
        for (StepResult step : report.steps()) {
            line(csv, step, "intake", step.intake());
            line(csv, step, "all", step.acceptToAll());
            step.perAgency().forEach((agency, summary) -> line(csv, step, agency, summary));
        }
        return csv.toString();
    }

    private static void line(StringBuilder csv, StepResult step, String scope, LatencySummary latency) {
        csv.append(String.format(
                Locale.ROOT,
                "%.0f,%s,%.1f,%.1f,%d,%.2f,%.2f,%.2f,%.2f,%d,%s,%.0f,%.0f%n",
                step.targetRate(),
                scope,
                step.acceptedPerSecond(),
                step.deliveriesPerSecond(),
                latency.count(),
                latency.p50(),
                latency.p95(),
                latency.p99(),
                latency.max(),
                step.errorCount(),
                step.drained(),
                step.peakRssGatewayMib(),
                step.peakRssAdaptersMib()));
    }

    static String backlogCsv(BacklogResult backlog) {
        StringBuilder csv = new StringBuilder(
                "seconds,phase,gateway_rss_mib,adapters_rss_mib,deliveries_received,broker_messages\n");
        for (Sampler.Sample sample : backlog.series()) {
            csv.append(String.format(
                    Locale.ROOT,
                    "%.1f,%s,%.1f,%.1f,%d,%d%n",
                    sample.seconds(),
                    sample.seconds() < backlog.resumeAtSeconds() ? "paused" : "draining",
                    sample.gatewayRssMib(),
                    sample.adaptersRssMib(),
                    sample.delivered(),
                    sample.brokerMessages()));
        }
        return csv.toString();
    }

    private static String failures(Map<String, Long> failures) {
        return failures.entrySet().stream()
                .map(e -> e.getKey() + ": " + e.getValue())
                .collect(Collectors.joining(", "));
    }

    private static String cpu(Map<String, Double> cores) {
        return cores.values().stream()
                .map(v -> v < 0 ? "?" : String.format(Locale.ROOT, "%.2f", v))
                .collect(Collectors.joining(" / "));
    }

    private static final String METHOD = """
            - **System**: the packaged gateway and agency-adapters jars run as separate JVMs (flags in the settings \
            table) on a fresh PostgreSQL database each and a fresh RabbitMQ vhost, with the reference registry of eight \
            agencies. The six HTTP agencies are in-process JDK `HttpServer` sinks on 127.0.0.1 (HTTP/1.1 keep-alive) \
            that verify every Standard Webhooks signature with `tw.tongbao.core.signature.WebhookSignature` and answer \
            200 (401 if a signature fails); the two batch-csv agencies are read from the drop directory every 10 ms, \
            each file's `.sha256` sidecar checked, one arrival per row at the time the file was seen. Unless \
            `--reference-limits` is given, each agency's rate limit is lifted and its concurrency and batch interval \
            set as in the settings, so the agencies are not the bottleneck.
            - **Load**: open loop — requests leave on a fixed schedule (rate × duration of them) whatever the answers \
            do; one the in-flight cap forbids is a *drop* (an error). Each change is for a subject not filed for before \
            in the run (valid national-ID checksums): 55 % address, 25 % contact, 15 % name changes, 5 % death reports \
            filed by a relative; consent agencies (TPC, TWC, POST) chosen with 40 % chance each where the type allows.
            - **Latency**: intake = scheduled send → 202 (so queueing behind slow answers counts); accept → delivered = \
            202 → the sink has it, per agency; accept → all = until the last of the change's agencies has it (complete \
            changes only). HdrHistogram, 3 significant digits. After sending, a step waits (bounded) until every \
            delivery the 202 answers listed has arrived; *errors* include deliveries still missing then. While it \
            waits it polls the sinks' count of first arrivals and looks through the step's changes only once that \
            count can be complete (until 2026-11-28 it looked through them four times a second, which took CPU from \
            the system under test while the last deliveries were on their way). Deliveries/s = deliveries received ÷ (step start → last arrival).
            - **Memory and CPU**: VmRSS sampled twice a second from `/proc/<pid>/status`, VmHWM at the end; CPU from \
            `/proc/<pid>/stat` (utime + stime) over the step including its drain, in cores; *pg* and *mq* sum every \
            `postgres` and `beam.smp` process on the machine, so they include anything else using those servers; *whole \
            machine* is all busy CPU time from `/proc/stat` (2.00 = both cores saturated), so what it exceeds the \
            others by is work that is not this benchmark's; *JIT* is the part of the gateway's and adapters' CPU their \
            JIT compiler threads used (already counted in *gw* and *ad*): compiling, not Tongbao's work.
            - **Backlog**: all agencies paused through the adapters' own `agency_state` table (the row an operator \
            pause writes), changes accepted closed-loop, the broker's agency queues left to empty into the adapters' \
            inbox, then all agencies resumed; memory, deliveries and broker backlog sampled each second.
            - **PerfTest** (`com.rabbitmq:perf-test`, separate JVM, same broker, after Tongbao has stopped): one \
            producer with publisher confirms, 1000-byte persistent messages to a fan-out exchange bound to 8 quorum \
            queues, one consumer per queue with manual acks and prefetch 20, unlimited publish rate; its *delivered* \
            rate is the consumers' total.
            """;
}
