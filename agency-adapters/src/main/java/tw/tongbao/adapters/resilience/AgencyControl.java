package tw.tongbao.adapters.resilience;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tw.tongbao.adapters.AdaptersProperties;
import tw.tongbao.core.agency.AgencyCode;
import tw.tongbao.core.agency.AgencyRegistry;

/**
 * Pauses, resumes, disables and enables agencies; the dispatcher claims only for active ones.
 *
 * <p>Reads of the state are served from memory for up to {@code tongbao.adapters.agency-state-ttl} (1 s by default),
 * since the dispatcher and the inbox ask for every claim and every batch. A change made through this instance is seen
 * here as soon as it commits; one made through another instance (the control queue has competing consumers) is seen
 * here within that TTL, so a pause or disable stops this instance's claims at most that much later.
 */
@Service
public class AgencyControl {

    private static final Logger log = LoggerFactory.getLogger(AgencyControl.class);

    private final AgencyStates states;
    private final AgencyRegistry registry;
    private final Clock clock;
    private final long ttlNanos;
    private final LongSupplier nanoTime;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    /** Raised by every local change, so that a read begun before the change cannot cache what it read. */
    private final AtomicLong generation = new AtomicLong();

    @Autowired
    public AgencyControl(AgencyStates states, AgencyRegistry registry, Clock clock, AdaptersProperties properties) {
        this(states, registry, clock, properties.agencyStateTtl(), System::nanoTime);
    }

    AgencyControl(AgencyStates states, AgencyRegistry registry, Clock clock, Duration ttl, LongSupplier nanoTime) {
        this.states = states;
        this.registry = registry;
        this.clock = clock;
        this.ttlNanos = ttl.toNanos();
        this.nanoTime = nanoTime;
    }

    /** The agency's current state (active when never changed), at most the state TTL old. */
    public AgencyState state(String agency) {
        registry.get(new AgencyCode(agency));
        long now = nanoTime.getAsLong();
        Cached cached = cache.get(agency);
        if (cached != null && now - cached.readAtNanos() < ttlNanos) {
            return cached.state();
        }
        long before = generation.get();
        AgencyState state = stored(agency);
        if (ttlNanos > 0) {
            // Atomic with forget's remove of the same key, which follows its raise of the generation.
            cache.compute(agency, (key, old) -> generation.get() == before ? new Cached(state, now) : old);
        }
        return state;
    }

    /** Whether the dispatcher may claim the agency's deliveries now. */
    public boolean isActive(String agency) {
        return state(agency).isActive();
    }

    /**
     * Whether the agency is disabled as stored now, never a cached answer: for work that must stop as soon as an
     * operator enables the agency again, or must not repeat what disabling it did.
     */
    public boolean disabledAsStored(String agency) {
        return fresh(agency).disabled();
    }

    /** Stops claiming the agency's deliveries; they wait without spending retries. */
    public AgencyState pause(String agency, String why) {
        AgencyState paused = fresh(agency).withPaused(true, why, clock.instant());
        save(paused);
        log.info("agency {} paused: {}", agency, why);
        return paused;
    }

    /** Claims the agency's deliveries again after a pause. */
    public AgencyState resume(String agency) {
        AgencyState resumed = fresh(agency).withPaused(false, null, clock.instant());
        save(resumed);
        log.info("agency {} resumed", agency);
        return resumed;
    }

    /** Marks the agency disabled (it answered 410); nothing is claimed until an operator enables it. */
    public AgencyState disable(String agency, String why) {
        AgencyState disabled = fresh(agency).withDisabled(true, why, clock.instant());
        save(disabled);
        log.error("ALERT agency {} disabled: {}; its open deliveries are parked until an operator acts", agency, why);
        return disabled;
    }

    /** Lifts a disable; parked deliveries stay parked until an operator retries them. */
    public AgencyState enable(String agency) {
        AgencyState enabled = fresh(agency).withDisabled(false, null, clock.instant());
        save(enabled);
        log.info("agency {} enabled", agency);
        return enabled;
    }

    /** A change starts from the stored state, never a cached one, or it could undo another instance's change. */
    private AgencyState fresh(String agency) {
        registry.get(new AgencyCode(agency));
        return stored(agency);
    }

    private AgencyState stored(String agency) {
        return states.find(agency).orElseGet(() -> AgencyState.active(agency, clock.instant()));
    }

    /** Stores a change and forgets the cached state now and again once the change's transaction has ended. */
    private void save(AgencyState state) {
        states.save(state);
        forget(state.agency());
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    forget(state.agency());
                }
            });
        }
    }

    private void forget(String agency) {
        generation.incrementAndGet();
        cache.remove(agency);
    }

    /** A state as read, and when (in {@link System#nanoTime()} terms). */
    private record Cached(AgencyState state, long readAtNanos) {}
}
