package tw.tongbao.adapters.health;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;
import tw.tongbao.adapters.resilience.AgencyGuard;
import tw.tongbao.adapters.resilience.AgencyGuards;
import tw.tongbao.adapters.transport.AdapterDelivery;
import tw.tongbao.adapters.transport.AttemptObserver;
import tw.tongbao.adapters.transport.AttemptResult;
import tw.tongbao.adapters.transport.DeliveryBacklog;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.agency.AgencyRegistry;
import tw.tongbao.core.answer.AgencyAnswer;

/**
 * Per-agency series for Prometheus ({@code tongbao_deliveries_total}, {@code tongbao_delivery_attempt_seconds},
 * {@code tongbao_backlog}, {@code tongbao_in_flight}, {@code tongbao_circuit_state}) and the last minute's tries that
 * health snapshots report.
 */
@Component
class DeliveryMetrics implements AttemptObserver {

    private final MeterRegistry meters;
    private final Clock clock;
    private final Map<String, Timer> attemptTimers = new ConcurrentHashMap<>();
    private final Map<String, AttemptWindow> windows = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> backlog = new ConcurrentHashMap<>();

    DeliveryMetrics(MeterRegistry meters, AgencyRegistry registry, AgencyGuards guards, Clock clock) {
        this.meters = meters;
        this.clock = clock;
        for (Agency agency : registry.all()) {
            String code = agency.code().value();
            AgencyGuard guard = guards.of(code);
            windows.put(code, new AttemptWindow());
            attemptTimers.put(
                    code,
                    Timer.builder("tongbao.delivery.attempt")
                            .description("Duration of one try to hand a delivery to an agency")
                            .tag("agency", code)
                            .publishPercentileHistogram()
                            .minimumExpectedValue(Duration.ofMillis(5))
                            .maximumExpectedValue(agency.timeout().plus(agency.batchInterval()))
                            .register(meters));
            Gauge.builder("tongbao.backlog", backlog.computeIfAbsent(code, c -> new AtomicLong()), AtomicLong::get)
                    .description("Open deliveries (PENDING or RETRYING) of an agency; exact up to "
                            + DeliveryBacklog.EXACT_UP_TO
                            + ", estimated above")
                    .tag("agency", code)
                    .register(meters);
            Gauge.builder("tongbao.in.flight", guard, AgencyGuard::inFlight)
                    .description("Tries to an agency under way on this instance")
                    .tag("agency", code)
                    .register(meters);
            for (CircuitBreaker.State state : CircuitBreaker.State.values()) {
                Gauge.builder("tongbao.circuit.state", guard, g -> g.circuitState() == state ? 1 : 0)
                        .description("1 for the state an agency's circuit breaker is in, else 0")
                        .tag("agency", code)
                        .tag("state", state.name().toLowerCase(Locale.ROOT))
                        .register(meters);
            }
        }
    }

    @Override
    public void attempted(Agency agency, AttemptResult result, AdapterDelivery after) {
        String code = agency.code().value();
        String outcome = after == null ? "dropped" : after.status().name().toLowerCase(Locale.ROOT);
        Counter.builder("tongbao.deliveries")
                .description("Tries to hand a delivery to an agency, by the status each led to")
                .tag("agency", code)
                .tag("outcome", outcome)
                .register(meters)
                .increment();
        Timer timer = attemptTimers.get(code);
        if (timer != null) {
            timer.record(Duration.ofMillis(result.durationMillis()));
        }
        AttemptWindow window = windows.get(code);
        if (window != null) {
            boolean delivered = result.answer() == AgencyAnswer.DELIVERED;
            window.add(clock.instant(), result.durationMillis(), delivered, describe(result));
        }
    }

    /** The last minute's tries of one agency on this instance. */
    AttemptWindow.Figures lastMinute(String agency) {
        AttemptWindow window = windows.get(agency);
        return window == null ? new AttemptWindow.Figures(0, 0, null, null, null) : window.figures(clock.instant());
    }

    /** Keeps the backlog figures the gauges show (read from the database by the health publisher). */
    void backlog(String agency, long open) {
        backlog.computeIfAbsent(agency, c -> new AtomicLong()).set(open);
    }

    private static String describe(AttemptResult result) {
        String status = result.httpStatus() == null ? null : "HTTP " + result.httpStatus();
        if (result.error() == null) {
            return status == null ? result.answer().name() : status;
        }
        return status == null ? result.error() : status + ": " + result.error();
    }
}
