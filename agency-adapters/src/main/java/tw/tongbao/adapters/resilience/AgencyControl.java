package tw.tongbao.adapters.resilience;

import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import tw.tongbao.core.agency.AgencyCode;
import tw.tongbao.core.agency.AgencyRegistry;

/** Pauses, resumes, disables and enables agencies; the dispatcher claims only for active ones. */
@Service
public class AgencyControl {

    private static final Logger log = LoggerFactory.getLogger(AgencyControl.class);

    private final AgencyStates states;
    private final AgencyRegistry registry;
    private final Clock clock;

    public AgencyControl(AgencyStates states, AgencyRegistry registry, Clock clock) {
        this.states = states;
        this.registry = registry;
        this.clock = clock;
    }

    /** The agency's current state (active when never changed). */
    public AgencyState state(String agency) {
        registry.get(new AgencyCode(agency));
        return states.find(agency).orElseGet(() -> AgencyState.active(agency, clock.instant()));
    }

    /** Whether the dispatcher may claim the agency's deliveries now. */
    public boolean isActive(String agency) {
        return state(agency).isActive();
    }

    /** Stops claiming the agency's deliveries; they wait without spending retries. */
    public AgencyState pause(String agency, String why) {
        AgencyState paused = state(agency).withPaused(true, why, clock.instant());
        states.save(paused);
        log.info("agency {} paused: {}", agency, why);
        return paused;
    }

    /** Claims the agency's deliveries again after a pause. */
    public AgencyState resume(String agency) {
        AgencyState resumed = state(agency).withPaused(false, null, clock.instant());
        states.save(resumed);
        log.info("agency {} resumed", agency);
        return resumed;
    }

    /** Marks the agency disabled (it answered 410); nothing is claimed until an operator enables it. */
    public AgencyState disable(String agency, String why) {
        AgencyState disabled = state(agency).withDisabled(true, why, clock.instant());
        states.save(disabled);
        log.error("ALERT agency {} disabled: {}; its open deliveries are parked until an operator acts", agency, why);
        return disabled;
    }

    /** Lifts a disable; parked deliveries stay parked until an operator retries them. */
    public AgencyState enable(String agency) {
        AgencyState enabled = state(agency).withDisabled(false, null, clock.instant());
        states.save(enabled);
        log.info("agency {} enabled", agency);
        return enabled;
    }
}
