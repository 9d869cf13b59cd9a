package tw.tongbao.adapters.health;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import tw.tongbao.adapters.AdaptersProperties;
import tw.tongbao.adapters.instance.AdapterInstance;
import tw.tongbao.adapters.resilience.AgencyControl;
import tw.tongbao.adapters.resilience.AgencyGuard;
import tw.tongbao.adapters.resilience.AgencyGuards;
import tw.tongbao.adapters.resilience.AgencyState;
import tw.tongbao.adapters.transport.DeliveryBacklog;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.agency.AgencyRegistry;
import tw.tongbao.core.control.AgencyHealth;
import tw.tongbao.core.messaging.Topology;

/**
 * Publishes an {@link AgencyHealth} snapshot of every agency every few seconds to the reports exchange. Snapshots
 * are not kept in the outbox: one lost while the broker is away is replaced by the next.
 */
@Component
class HealthPublisher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(HealthPublisher.class);

    private final AgencyRegistry registry;
    private final AgencyGuards guards;
    private final AgencyControl control;
    private final DeliveryBacklog backlog;
    private final DeliveryMetrics metrics;
    private final AdapterInstance instance;
    private final RabbitTemplate rabbit;
    private final AdaptersProperties properties;
    private final Clock clock;
    private volatile ScheduledExecutorService executor;
    private volatile boolean failing;

    HealthPublisher(
            AgencyRegistry registry,
            AgencyGuards guards,
            AgencyControl control,
            DeliveryBacklog backlog,
            DeliveryMetrics metrics,
            AdapterInstance instance,
            RabbitTemplate rabbit,
            AdaptersProperties properties,
            Clock clock) {
        this.registry = registry;
        this.guards = guards;
        this.control = control;
        this.backlog = backlog;
        this.metrics = metrics;
        this.instance = instance;
        this.rabbit = rabbit;
        this.properties = properties;
        this.clock = clock;
    }

    /** Takes and publishes one snapshot of every agency. */
    void publishAll() {
        try {
            Map<String, Long> open = backlog.of(
                    registry.all().stream().map(a -> a.code().value()).toList());
            for (Agency agency : registry.all()) {
                String code = agency.code().value();
                long agencyOpen = open.getOrDefault(code, 0L);
                metrics.backlog(code, agencyOpen);
                rabbit.convertAndSend(
                        Topology.REPORTS_EXCHANGE, Topology.AGENCY_HEALTH_ROUTING_KEY, snapshot(code, agencyOpen));
            }
            if (failing) {
                failing = false;
                log.info("agency health snapshots published again");
            }
        } catch (RuntimeException e) {
            // One line per outage, not one per interval.
            if (!failing) {
                failing = true;
                log.warn("cannot publish agency health snapshots, will keep trying: {}", e.toString());
            }
        }
    }

    /** One agency's snapshot as of now. */
    AgencyHealth snapshot(String code, long backlog) {
        Instant now = clock.instant();
        AgencyGuard guard = guards.of(code);
        AgencyState state = control.state(code);
        AttemptWindow.Figures minute = metrics.lastMinute(code);
        return new AgencyHealth(
                code,
                instance.id().toString(),
                guard.circuitState().name(),
                state.paused(),
                state.disabled(),
                backlog,
                guard.inFlight(),
                minute.delivered(),
                minute.failed(),
                minute.p95LatencyMillis(),
                minute.lastError(),
                minute.lastErrorAt(),
                now);
    }

    @Override
    public void start() {
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "agency-health");
            thread.setDaemon(true);
            return thread;
        });
        long interval = properties.healthInterval().toMillis();
        executor.scheduleWithFixedDelay(this::publishAll, interval, interval, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        ScheduledExecutorService running = executor;
        executor = null;
        if (running != null) {
            running.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return executor != null;
    }
}
