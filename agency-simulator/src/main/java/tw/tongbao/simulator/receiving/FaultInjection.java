package tw.tongbao.simulator.receiving;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import tw.tongbao.core.agency.AgencyCode;
import tw.tongbao.simulator.SimulatorProperties;

/** Makes an agency slow or flaky on purpose, as configured; by default it is neither. */
final class FaultInjection {

    private final SimulatorProperties properties;

    FaultInjection(SimulatorProperties properties) {
        this.properties = properties;
    }

    /** Whether this delivery should be answered with a failure. */
    boolean failsNow(AgencyCode code) {
        double rate = properties.failureRateOf(code.value());
        return rate > 0.0 && ThreadLocalRandom.current().nextDouble() < rate;
    }

    /** Holds the answer back for the agency's configured latency. */
    void delay(AgencyCode code) {
        Duration latency = properties.latencyOf(code.value());
        if (latency.isZero() || latency.isNegative()) {
            return;
        }
        try {
            Thread.sleep(latency.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
