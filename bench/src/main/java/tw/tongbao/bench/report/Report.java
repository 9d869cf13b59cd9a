package tw.tongbao.bench.report;

import java.util.List;
import java.util.Map;
import tw.tongbao.bench.perf.PerfTestRun;

/**
 * Everything one benchmark run found, ready to be written.
 *
 * @param title e.g. {@code 2026-11-26 full run}
 * @param settings the run's settings as label → value, in order
 * @param environment machine facts (cores, load, JVM) as label → value
 * @param steps the open-loop steps, ascending rate
 * @param backlog the backlog test, or null when skipped or failed
 * @param perfTest PerfTest's result, or null when skipped or failed
 * @param peakRssGatewayMib the gateway's VmHWM at the end of the Tongbao part
 * @param peakRssAdaptersMib the adapters' VmHWM at the end of the Tongbao part
 * @param notes what happened that a reader must know (saturation, failures, skipped parts)
 */
public record Report(
        String title,
        Map<String, String> settings,
        Map<String, String> environment,
        List<StepResult> steps,
        BacklogResult backlog,
        PerfTestRun.Result perfTest,
        double peakRssGatewayMib,
        double peakRssAdaptersMib,
        List<String> notes) {

    /** The highest end-to-end deliveries/s of any step. */
    public double bestDeliveriesPerSecond() {
        return steps.stream().mapToDouble(StepResult::deliveriesPerSecond).max().orElse(0);
    }

    /** The highest accepted changes/s of any step whose requests failed under 1 %. */
    public double bestCleanIntake() {
        return steps.stream()
                .filter(s -> s.sent() > 0 && failedRequests(s) < 0.01 * s.sent())
                .mapToDouble(StepResult::acceptedPerSecond)
                .max()
                .orElse(0);
    }

    /** The step at the given target rate, if run. */
    public java.util.Optional<StepResult> step(double rate) {
        return steps.stream().filter(s -> s.targetRate() == rate).findFirst();
    }

    static long failedRequests(StepResult step) {
        return step.sent() - step.accepted();
    }
}
