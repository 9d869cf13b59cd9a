package tw.tongbao.adapters.health;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tw.tongbao.adapters.report.ReportOutbox;
import tw.tongbao.adapters.report.ReportRelay;
import tw.tongbao.adapters.resilience.AgencyGuards;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.agency.AgencyRegistry;
import tw.tongbao.core.control.AgencyAlert;

/**
 * Alerts operators through the outbox when an agency's circuit opens from closed ({@code FAILING}) and when it closes
 * again ({@code RECOVERED}); the half-open probes in between raise nothing, so a long outage is one alert.
 */
@Component
class CircuitAlerts {

    private static final Logger log = LoggerFactory.getLogger(CircuitAlerts.class);

    private final ReportOutbox outbox;
    private final ReportRelay relay;
    private final Clock clock;

    CircuitAlerts(AgencyRegistry registry, AgencyGuards guards, ReportOutbox outbox, ReportRelay relay, Clock clock) {
        this.outbox = outbox;
        this.relay = relay;
        this.clock = clock;
        for (Agency agency : registry.all()) {
            String code = agency.code().value();
            guards.of(code).onCircuitTransition((from, to) -> transition(code, from, to));
        }
    }

    void transition(String agency, CircuitBreaker.State from, CircuitBreaker.State to) {
        AgencyAlert.Kind kind;
        if (from == CircuitBreaker.State.CLOSED && to == CircuitBreaker.State.OPEN) {
            kind = AgencyAlert.Kind.FAILING;
        } else if (from == CircuitBreaker.State.HALF_OPEN && to == CircuitBreaker.State.CLOSED) {
            kind = AgencyAlert.Kind.RECOVERED;
        } else {
            log.info("circuit of {} {} -> {}", agency, from, to);
            return;
        }
        String detail = "circuit " + from + " -> " + to;
        if (kind == AgencyAlert.Kind.FAILING) {
            log.error("ALERT agency {} failing: {}", agency, detail);
        } else {
            log.info("agency {} recovered: {}", agency, detail);
        }
        try {
            outbox.appendAlert(new AgencyAlert(agency, kind, detail, clock.instant()));
            relay.wake();
        } catch (RuntimeException e) {
            // The breaker changes state in memory; with the database away the alert cannot be kept.
            log.warn("could not queue the {} alert of {}: {}", kind, agency, e.toString());
        }
    }
}
