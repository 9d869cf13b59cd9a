package tw.tongbao.bench.report;

import java.util.List;
import java.util.Map;
import tw.tongbao.bench.system.Sampler;

/**
 * The backlog test: agencies paused, changes accepted, agencies resumed, the backlog drained.
 *
 * @param changes changes asked for
 * @param accepted changes accepted while the agencies were paused
 * @param fillSeconds how long accepting them took
 * @param expectedDeliveries deliveries the 202 answers listed
 * @param delivered deliveries received after the resume
 * @param drainSeconds from the resume to the last arrival (or the drain limit)
 * @param drained whether everything arrived within the drain limit
 * @param failures failed requests and missing, unverified or duplicate deliveries, by kind
 * @param series memory, delivered count and broker backlog once a second from the start of the fill
 * @param resumeAtSeconds where in the series the agencies were resumed
 * @param fillCores CPU cores per process while filling (as in the steps' CPU column)
 * @param drainCores CPU cores per process from the resume to the end of the drain
 */
public record BacklogResult(
        int changes,
        long accepted,
        double fillSeconds,
        long expectedDeliveries,
        long delivered,
        double drainSeconds,
        boolean drained,
        Map<String, Long> failures,
        List<Sampler.Sample> series,
        double resumeAtSeconds,
        Map<String, Double> fillCores,
        Map<String, Double> drainCores) {

    /** Deliveries per second while draining. */
    public double drainRate() {
        return drainSeconds > 0 ? delivered / drainSeconds : 0;
    }

    /** Accepted changes per second while filling. */
    public double fillRate() {
        return fillSeconds > 0 ? accepted / fillSeconds : 0;
    }

    /** The highest sampled RSS of the adapters (true) or gateway (false) during the drain, MiB. */
    public double peakDuringDrain(boolean adapters) {
        return drainSamples().stream()
                .mapToDouble(s -> adapters ? s.adaptersRssMib() : s.gatewayRssMib())
                .max()
                .orElse(Double.NaN);
    }

    /** The RSS at the resume (true: adapters), MiB. */
    public double atResume(boolean adapters) {
        return drainSamples().stream()
                .findFirst()
                .map(s -> adapters ? s.adaptersRssMib() : s.gatewayRssMib())
                .orElse(Double.NaN);
    }

    /** The RSS at the end of the drain (true: adapters), MiB. */
    public double atEnd(boolean adapters) {
        List<Sampler.Sample> drain = drainSamples();
        return drain.isEmpty()
                ? Double.NaN
                : adapters
                        ? drain.get(drain.size() - 1).adaptersRssMib()
                        : drain.get(drain.size() - 1).gatewayRssMib();
    }

    private List<Sampler.Sample> drainSamples() {
        return series.stream().filter(s -> s.seconds() >= resumeAtSeconds).toList();
    }
}
