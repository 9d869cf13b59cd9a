package tw.tongbao.adapters.transport;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tw.tongbao.adapters.AdaptersProperties;

/**
 * What operator commands read and mark in {@code adapter_delivery}: one delivery to retry or cancel, and the window of
 * delivered ones to replay. The state changes themselves go through {@link DeliverySettlement}.
 */
@Repository
public class OperatorDeliveries {

    private final JdbcClient jdbc;
    private final double staleSeconds;

    public OperatorDeliveries(JdbcClient jdbc, AdaptersProperties properties) {
        this.jdbc = jdbc;
        this.staleSeconds = properties.instanceStaleAfter().toMillis() / 1000.0;
    }

    /** One delivery, locked, and whether a dispatcher holds it now (a try is under way). */
    public Optional<DeliveryStore.Sibling> lock(UUID deliveryId, Instant now) {
        return jdbc.sql("SELECT " + DeliveryStore.COLUMNS + ", " + DeliveryStore.LIVE_LEASE
                        + " AS in_flight FROM adapter_delivery c" + " WHERE delivery_id = :id FOR UPDATE")
                .param("id", deliveryId)
                .param("now", Timestamp.from(now))
                .param("stale", staleSeconds)
                .query((rs, n) -> new DeliveryStore.Sibling(DeliveryStore.map(rs, n), rs.getBoolean("in_flight")))
                .optional();
    }

    /** Asks that an in-flight delivery be cancelled once its try settles; false when the row moved on. */
    public boolean requestCancel(AdapterDelivery delivery, String reason) {
        return jdbc.sql("UPDATE adapter_delivery SET cancel_reason = :reason WHERE delivery_id = :id"
                                + " AND revision = :revision")
                        .param("reason", reason)
                        .param("id", delivery.deliveryId())
                        .param("revision", delivery.revision())
                        .update()
                == 1;
    }

    /**
     * A newer delivery of the same agency, subject and type that the agency has or will get: delivering {@code older}
     * after it would leave the agency holding an older value.
     */
    public Optional<AdapterDelivery> newerOfSameType(AdapterDelivery older) {
        return jdbc.sql("SELECT " + DeliveryStore.COLUMNS
                        + " FROM adapter_delivery WHERE agency = :agency AND subject_ref = :ref"
                        + " AND change_type = :type AND sequence > :seq"
                        + " AND status IN ('PENDING', 'RETRYING', 'DELIVERED', 'APPLIED')"
                        + " ORDER BY sequence DESC LIMIT 1")
                .param("agency", older.agency())
                .param("ref", older.subjectRef())
                .param("type", older.changeType().name())
                .param("seq", older.sequence())
                .query(DeliveryStore::map)
                .optional();
    }

    /**
     * The deliveries of one agency first delivered in [since, until), now DELIVERED or APPLIED, locked, oldest first;
     * without those a newer delivery of the same subject and type outside the replay would overtake.
     */
    public List<AdapterDelivery> replayable(String agency, Instant since, Instant until) {
        String inWindow = " IN ('DELIVERED', 'APPLIED') AND %1$s.first_delivered_at >= :since"
                + " AND %1$s.first_delivered_at < :until";
        return jdbc.sql("SELECT " + DeliveryStore.COLUMNS
                        + " FROM adapter_delivery d WHERE d.agency = :agency AND d.status"
                        + inWindow.formatted("d")
                        + " AND NOT EXISTS (SELECT 1 FROM adapter_delivery n WHERE n.agency = d.agency"
                        + "   AND n.subject_ref = d.subject_ref AND n.change_type = d.change_type"
                        + "   AND n.sequence > d.sequence"
                        + "   AND n.status IN ('PENDING', 'RETRYING', 'DELIVERED', 'APPLIED')"
                        + "   AND NOT (n.status" + inWindow.formatted("n") + "))"
                        + " ORDER BY d.first_delivered_at, d.sequence FOR UPDATE")
                .param("agency", agency)
                .param("since", Timestamp.from(since))
                .param("until", Timestamp.from(until))
                .query(DeliveryStore::map)
                .list();
    }

    /** How many deliveries of one agency were first delivered in [since, until) and are DELIVERED or APPLIED now. */
    public long deliveredBetween(String agency, Instant since, Instant until) {
        return jdbc.sql("SELECT count(*) FROM adapter_delivery WHERE agency = :agency"
                        + " AND status IN ('DELIVERED', 'APPLIED') AND first_delivered_at >= :since"
                        + " AND first_delivered_at < :until")
                .param("agency", agency)
                .param("since", Timestamp.from(since))
                .param("until", Timestamp.from(until))
                .query(Long.class)
                .single();
    }
}
