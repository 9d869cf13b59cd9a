package tw.tongbao.bench.report;

import java.util.Map;

/**
 * What one load step measured.
 *
 * @param targetRate changes per second the open loop sent
 * @param seconds how long it sent
 * @param sent requests scheduled
 * @param accepted changes answered 202
 * @param acceptedPerSecond accepted changes over the time until the last 202
 * @param expectedDeliveries deliveries the 202 answers listed
 * @param delivered deliveries the sinks received (verified)
 * @param deliveriesPerSecond delivered over the time from the step's start to its last arrival
 * @param drained whether every expected delivery arrived within the drain limit
 * @param intake intended send → 202
 * @param acceptToAll 202 → the last of the change's agencies received it (complete changes only)
 * @param perAgency 202 → the agency received it, by agency code
 * @param failures failed requests by kind, plus {@code missing}, {@code unverified} and {@code duplicate} deliveries
 * @param peakRssGatewayMib highest sampled VmRSS of the gateway during the step
 * @param peakRssAdaptersMib highest sampled VmRSS of the adapters during the step
 * @param cpuCores average cores used during the step, by process (gateway, adapters, postgres, rabbitmq, bench)
 */
public record StepResult(
        double targetRate,
        double seconds,
        long sent,
        long accepted,
        double acceptedPerSecond,
        long expectedDeliveries,
        long delivered,
        double deliveriesPerSecond,
        boolean drained,
        LatencySummary intake,
        LatencySummary acceptToAll,
        Map<String, LatencySummary> perAgency,
        Map<String, Long> failures,
        double peakRssGatewayMib,
        double peakRssAdaptersMib,
        Map<String, Double> cpuCores) {

    /** All failures and missing, unverified or duplicate deliveries. */
    public long errorCount() {
        return failures.values().stream().mapToLong(Long::longValue).sum();
    }
}
