package tw.tongbao.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import tw.tongbao.bench.load.LoadGenerator;
import tw.tongbao.bench.load.StepLedger;
import tw.tongbao.bench.report.BacklogResult;
import tw.tongbao.bench.report.LatencySummary;
import tw.tongbao.bench.report.StepResult;
import tw.tongbao.bench.sink.Arrivals;
import tw.tongbao.bench.system.BenchSystem;
import tw.tongbao.bench.system.ProcessStats;
import tw.tongbao.bench.system.Sampler;

/** The two measurements: one open-loop step at a fixed rate, and the paused-agencies backlog. */
final class Scenarios {

    private final BenchSystem system;
    private final Sampler sampler;
    private final LoadGenerator load;
    private final Arrivals arrivals;

    Scenarios(BenchSystem system, Sampler sampler, LoadGenerator load) {
        this.system = system;
        this.sampler = sampler;
        this.load = load;
        this.arrivals = system.arrivals();
    }

    /** Sends {@code rate} changes/s for {@code duration}, waits (bounded) for their deliveries, measures. */
    StepResult step(double rate, Duration duration, Duration drainLimit) {
        int count = (int) Math.round(rate * duration.toMillis() / 1000.0);
        var filings = load.prepare(count);
        Map<String, Double> cpuBefore = cpu();
        long before = System.nanoTime();
        long unverified = arrivals.unverifiedCount();
        long duplicates = arrivals.duplicates();
        long arrivedBefore = arrivals.total();
        sampler.resetPeaks();
        StepLedger ledger = load.openLoop(new StepLedger(rate + "/s"), filings, rate);
        Bench.say(
                "  sent %d, accepted %d, failed %d; draining…",
                ledger.sentCount(), ledger.acceptedCount(), ledger.failureCount());
        Deliveries deliveries = new Deliveries(system.codes(), ledger.accepted(), arrivals, arrivedBefore);
        boolean drained = await(deliveries, drainLimit, "  ");
        double seconds = (System.nanoTime() - before) / 1e9;
        Map<String, Double> cores = cores(cpuBefore, cpu(), seconds);
        deliveries.measure();
        Map<String, Long> failures = new TreeMap<>(ledger.failures());
        addIfAny(failures, "deliveries missing", deliveries.expected() - deliveries.delivered());
        addIfAny(failures, "deliveries unverified", arrivals.unverifiedCount() - unverified);
        addIfAny(failures, "deliveries duplicated", arrivals.duplicates() - duplicates);
        ledger.failureSamples().forEach(sample -> Bench.say("  failure sample: %s", sample));
        double acceptWindow = (Math.max(ledger.lastAcceptedNanos(), ledger.loadEndNanos()) - ledger.startNanos()) / 1e9;
        double deliveryWindow = (deliveries.lastArrivalNanos() - ledger.startNanos()) / 1e9;
        return new StepResult(
                rate,
                duration.toSeconds(),
                ledger.sentCount(),
                ledger.acceptedCount(),
                ledger.acceptedCount() / acceptWindow,
                deliveries.expected(),
                deliveries.delivered(),
                deliveries.delivered() == 0 ? 0 : deliveries.delivered() / deliveryWindow,
                drained,
                LatencySummary.ofMicros(ledger.intakeMicros()),
                deliveries.acceptToAll(),
                deliveries.perAgency(),
                failures,
                sampler.peakGateway(),
                sampler.peakAdapters(),
                cores);
    }

    /** Pauses every agency, accepts {@code count} changes, lets the broker empty, resumes and drains. */
    BacklogResult backlog(int count, Duration drainLimit) {
        Bench.say("  signing %d tokens…", count);
        var filings = load.prepare(count);
        system.pauseAgencies(true);
        // The pause is written to the adapters' table, as another instance would; the adapters cache agency state for
        // up to tongbao.adapters.agency-state-ttl (1 s), so filing starts only once they must have seen it.
        Bench.sleep(2000);
        long arrivedBefore = arrivals.total();
        sampler.record(() -> arrivals.total() - arrivedBefore, system::brokerBacklog);
        long unverified = arrivals.unverifiedCount();
        long duplicates = arrivals.duplicates();
        Map<String, Double> cpuAtFill = cpu();
        long fillStart = System.nanoTime();
        StepLedger ledger = load.closedLoop(
                new StepLedger("backlog"),
                filings,
                64,
                filing -> Bench.say(
                        "  filing… %d sent, %d accepted, %d failed",
                        filing.sentCount(), filing.acceptedCount(), filing.failureCount()));
        double fillSeconds = (ledger.lastAcceptedNanos() - ledger.startNanos()) / 1e9;
        Map<String, Double> fillCores = cores(cpuAtFill, cpu(), (System.nanoTime() - fillStart) / 1e9);
        Bench.say(
                "  accepted %d of %d in %.0f s (%d failed); waiting for the broker's agency queues to empty…",
                ledger.acceptedCount(), count, fillSeconds, ledger.failureCount());
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        long backlog;
        while ((backlog = system.brokerBacklog()) > 0 && System.nanoTime() < deadline) {
            Bench.sleep(1000);
        }
        Bench.say(
                "  broker holds %d messages, adapters' inbox %d open deliveries; resuming the agencies",
                backlog, system.adaptersOpenDeliveries());
        Map<String, Long> failures = new TreeMap<>(ledger.failures());
        addIfAny(failures, "delivered while paused", arrivals.total() - arrivedBefore);
        double resumeAt = sampler.secondsRecorded();
        long resumedNanos = System.nanoTime();
        Map<String, Double> cpuAtResume = cpu();
        system.pauseAgencies(false);
        Deliveries deliveries = new Deliveries(system.codes(), ledger.accepted(), arrivals, arrivedBefore);
        boolean drained = await(deliveries, drainLimit, "  ");
        Map<String, Double> drainCores = cores(cpuAtResume, cpu(), (System.nanoTime() - resumedNanos) / 1e9);
        deliveries.measure();
        Bench.sleep(2000);
        var series = sampler.stopRecording();
        addIfAny(failures, "deliveries missing", deliveries.expected() - deliveries.delivered());
        addIfAny(failures, "deliveries unverified", arrivals.unverifiedCount() - unverified);
        addIfAny(failures, "deliveries duplicated", arrivals.duplicates() - duplicates);
        double drainSeconds = drained
                ? (deliveries.lastArrivalNanos() - resumedNanos) / 1e9
                : (System.nanoTime() - resumedNanos) / 1e9;
        return new BacklogResult(
                count,
                ledger.acceptedCount(),
                fillSeconds,
                deliveries.expected(),
                deliveries.delivered(),
                drainSeconds,
                drained,
                failures,
                series,
                resumeAt,
                fillCores,
                drainCores);
    }

    private boolean await(Deliveries deliveries, Duration limit, String indent) {
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        long lastSay = start;
        while (!deliveries.allArrived()) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            Bench.sleep(250);
            if (System.nanoTime() - lastSay > TimeUnit.SECONDS.toNanos(10)) {
                lastSay = System.nanoTime();
                Bench.say(
                        "%s%d of %d deliveries after %.0f s (gateway %.0f MiB, adapters %.0f MiB)",
                        indent,
                        deliveries.countDelivered(),
                        deliveries.expected(),
                        (lastSay - start) / 1e9,
                        ProcessStats.rssMib(system.gateway().pid()),
                        ProcessStats.rssMib(system.adapters().pid()));
            }
        }
        return true;
    }

    private Map<String, Double> cpu() {
        return ProcessStats.cpuSnapshot(
                system.gateway().pid(), system.adapters().pid());
    }

    private static Map<String, Double> cores(Map<String, Double> before, Map<String, Double> after, double seconds) {
        Map<String, Double> cores = new LinkedHashMap<>();
        before.forEach((name, start) -> {
            double end = after.get(name);
            cores.put(name, start < 0 || end < 0 ? -1 : Math.max(0, end - start) / seconds);
        });
        return cores;
    }

    private static void addIfAny(Map<String, Long> failures, String kind, long count) {
        if (count > 0) {
            failures.merge(kind, count, Long::sum);
        }
    }
}
