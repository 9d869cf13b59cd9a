package tw.tongbao.simulator;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the simulator listens and misbehaves ({@code tongbao.simulator.*}).
 *
 * @param bindAddress the address every simulated agency and the stats port listen on
 * @param statsPort the port of {@code GET /stats} (0 picks a free one)
 * @param dropDirectory where batch-csv agencies find their files, one folder per agency code
 * @param pollInterval how often the drop directory is scanned for new files
 * @param failureRate per agency code, the share of deliveries answered 503 (0.0 to 1.0; default none)
 * @param latency per agency code, how long each answer is held back (default none)
 */
@ConfigurationProperties("tongbao.simulator")
public record SimulatorProperties(
        @DefaultValue("0.0.0.0") String bindAddress,
        @DefaultValue("9100") int statsPort,
        @DefaultValue("./var/drop") Path dropDirectory,
        @DefaultValue("1s") Duration pollInterval,
        Map<String, Double> failureRate,
        Map<String, Duration> latency) {

    public SimulatorProperties {
        failureRate = byUpperCaseCode(failureRate);
        latency = byUpperCaseCode(latency);
        failureRate.forEach((code, rate) -> {
            if (rate < 0.0 || rate > 1.0) {
                throw new IllegalArgumentException("tongbao.simulator.failure-rate." + code + " must be 0.0 to 1.0");
            }
        });
    }

    /** The share of deliveries to this agency that fail on purpose. */
    public double failureRateOf(String code) {
        return failureRate.getOrDefault(code, 0.0);
    }

    /** How long answers from this agency are held back. */
    public Duration latencyOf(String code) {
        return latency.getOrDefault(code, Duration.ZERO);
    }

    // Keys from environment variables arrive lower-cased; agency codes are upper case.
    private static <V> Map<String, V> byUpperCaseCode(Map<String, V> map) {
        if (map == null) {
            return Map.of();
        }
        return map.entrySet().stream()
                .collect(Collectors.toUnmodifiableMap(e -> e.getKey().toUpperCase(Locale.ROOT), Map.Entry::getValue));
    }
}
