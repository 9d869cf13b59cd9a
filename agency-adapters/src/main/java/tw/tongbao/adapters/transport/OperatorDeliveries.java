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
 * delivered ones to replay, chosen once ({@code replay_item}) and replayed a chunk at a time. The state changes themselves go through {@link DeliverySettlement}.
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
     * Chooses, in one statement, the deliveries a replay sends again and keeps them as the command's {@code
     * replay_item} rows, numbered in {@link DeliveryStore#ROW_ORDER}: those of one agency first delivered in [since,
     * until) and now DELIVERED or APPLIED, except those that a newer delivery of the same subject and type outside the
     * replay would be overtaken by. Returns how many it chose.
     */
    public int chooseForReplay(UUID command, String agency, Instant since, Instant until) {
        String inWindow = " IN ('DELIVERED', 'APPLIED') AND %1$s.first_delivered_at >= :since"
                + " AND %1$s.first_delivered_at < :until";
        return jdbc.sql("INSERT INTO replay_item (command_id, position, delivery_id)"
                        + " SELECT :command, row_number() OVER (ORDER BY d.subject_ref, d.sequence, d.delivery_id),"
                        + " d.delivery_id FROM adapter_delivery d WHERE d.agency = :agency AND d.status"
                        + inWindow.formatted("d")
                        + " AND NOT EXISTS (SELECT 1 FROM adapter_delivery n WHERE n.agency = d.agency"
                        + "   AND n.subject_ref = d.subject_ref AND n.change_type = d.change_type"
                        + "   AND n.sequence > d.sequence"
                        + "   AND n.status IN ('PENDING', 'RETRYING', 'DELIVERED', 'APPLIED')"
                        + "   AND NOT (n.status" + inWindow.formatted("n") + "))")
                .param("command", command)
                .param("agency", agency)
                .param("since", Timestamp.from(since))
                .param("until", Timestamp.from(until))
                .update();
    }

    /** Up to {@code limit} of a replay's chosen deliveries after {@code afterPosition} not yet replayed, locked. */
    public List<ReplayItem> nextToReplay(UUID command, long afterPosition, int limit) {
        return jdbc.sql("SELECT position, delivery_id FROM replay_item WHERE command_id = :command"
                        + " AND position > :after AND NOT replayed ORDER BY position LIMIT :limit FOR UPDATE")
                .param("command", command)
                .param("after", afterPosition)
                .param("limit", limit)
                .query((rs, n) -> new ReplayItem(rs.getLong("position"), rs.getObject("delivery_id", UUID.class)))
                .list();
    }

    /**
     * Those of the given chosen deliveries that can still be replayed, locked (in one statement, in
     * {@link DeliveryStore#ROW_ORDER}): still DELIVERED or APPLIED, and not overtaken meanwhile by a newer delivery of
     * the same subject and type that the replay did not choose (a change that arrived since, or one retried since).
     */
    public List<AdapterDelivery> lockReplayable(UUID command, List<UUID> deliveryIds) {
        return jdbc.sql("SELECT " + DeliveryStore.COLUMNS + " FROM adapter_delivery d WHERE d.delivery_id = ANY(:ids)"
                        + " AND d.status IN ('DELIVERED', 'APPLIED')"
                        + " AND NOT EXISTS (SELECT 1 FROM adapter_delivery n WHERE n.agency = d.agency"
                        + "   AND n.subject_ref = d.subject_ref AND n.change_type = d.change_type"
                        + "   AND n.sequence > d.sequence"
                        + "   AND n.status IN ('PENDING', 'RETRYING', 'DELIVERED', 'APPLIED')"
                        + "   AND NOT EXISTS (SELECT 1 FROM replay_item i WHERE i.command_id = :command"
                        + "     AND i.delivery_id = n.delivery_id))"
                        + DeliveryStore.ROW_ORDER + " FOR UPDATE OF d")
                .param("ids", deliveryIds.toArray(UUID[]::new))
                .param("command", command)
                .query(DeliveryStore::map)
                .list();
    }

    /** Marks chosen deliveries as dealt with: replayed, or passed over because they changed since they were chosen. */
    public void markReplayed(UUID command, List<ReplayItem> items) {
        jdbc.sql("UPDATE replay_item SET replayed = true WHERE command_id = :command AND position = ANY(:positions)")
                .param("command", command)
                .param("positions", items.stream().map(ReplayItem::position).toArray(Long[]::new))
                .update();
    }

    /** Forgets a replay's chosen deliveries once every one was dealt with; leaves them while some still wait. */
    public void forgetReplayIfDone(UUID command) {
        jdbc.sql("DELETE FROM replay_item WHERE command_id = :command AND NOT EXISTS (SELECT 1 FROM replay_item w"
                        + " WHERE w.command_id = :command AND NOT w.replayed)")
                .param("command", command)
                .update();
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

    /** One delivery a replay chose, and its place in the replay's order. */
    public record ReplayItem(long position, UUID deliveryId) {}
}
