package tw.tongbao.gateway.operator;

import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.stereotype.Component;
import tw.tongbao.core.control.AgencyHealth;
import tw.tongbao.core.messaging.Topology;

/**
 * The latest {@link AgencyHealth} per agency and adapter instance, kept in memory only: snapshots are replaced every
 * few seconds, so after a gateway restart the board is full again within one interval. Instances silent longer than
 * {@code tongbao.ops.health-forget-after} are forgotten.
 */
@Component
class HealthBoard {

    private final Map<String, Map<String, AgencyHealth>> latest = new ConcurrentHashMap<>();
    private final Clock clock;
    private final OpsProperties properties;

    HealthBoard(Clock clock, OpsProperties properties) {
        this.clock = clock;
        this.properties = properties;
    }

    @RabbitListener(queues = Topology.AGENCY_HEALTH_QUEUE)
    void onHealth(AgencyHealth health) {
        if (health == null || health.agency() == null || health.instance() == null || health.observedAt() == null) {
            return;
        }
        latest.computeIfAbsent(health.agency(), code -> new ConcurrentHashMap<>())
                .merge(
                        health.instance(),
                        health,
                        (old, fresh) -> fresh.observedAt().isBefore(old.observedAt()) ? old : fresh);
    }

    /** The latest snapshot of each instance for one agency, forgetting long-silent instances. */
    Collection<AgencyHealth> snapshots(String agency) {
        Map<String, AgencyHealth> byInstance = latest.get(agency);
        if (byInstance == null) {
            return List.of();
        }
        Instant forget = clock.instant().minus(properties.healthForgetAfter());
        byInstance.values().removeIf(health -> health.observedAt().isBefore(forget));
        return List.copyOf(byInstance.values());
    }
}
