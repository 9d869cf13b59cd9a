package tw.tongbao.adapters.transport;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tw.tongbao.core.change.ChangeType;
import tw.tongbao.core.delivery.DeliveryStatus;

/** The {@code adapter_delivery} table: inbox, schedule and status of every delivery this adapter holds. */
@Repository
public class DeliveryStore {

    private static final String COLUMNS = "delivery_id, agency, subject_ref, sequence, change_type, receipt, status,"
            + " attempts, revision, reason, next_attempt_at";

    private final JdbcClient jdbc;

    public DeliveryStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Stores a newly received delivery with its message; false when it is already here (a redelivery). */
    public boolean insertIfAbsent(AdapterDelivery delivery, String messageJson, Instant now) {
        return jdbc.sql("INSERT INTO adapter_delivery (" + COLUMNS + ", message, received_at, updated_at)"
                                + " VALUES (:id, :agency, :ref, :seq, :type, :receipt, :status, :attempts, :revision,"
                                + " :reason, :next, CAST(:message AS jsonb), :now, :now)"
                                + " ON CONFLICT (delivery_id) DO NOTHING")
                        .param("id", delivery.deliveryId())
                        .param("agency", delivery.agency())
                        .param("ref", delivery.subjectRef())
                        .param("seq", delivery.sequence())
                        .param("type", delivery.changeType().name())
                        .param("receipt", delivery.receipt())
                        .param("status", delivery.status().name())
                        .param("attempts", delivery.attempts())
                        .param("revision", delivery.revision())
                        .param("reason", delivery.reason())
                        .param("next", Timestamp.from(delivery.nextAttemptAt()))
                        .param("message", messageJson)
                        .param("now", Timestamp.from(now))
                        .update()
                == 1;
    }

    /**
     * The other deliveries of the same agency, subject and type, locked, each marked in flight when a dispatcher holds
     * its lease: the candidates for supersession, and the newer ones that make an arriving delivery stale.
     */
    public List<Sibling> sameSubjectAndType(AdapterDelivery arriving, Instant now) {
        return jdbc.sql("SELECT " + COLUMNS + ", (lease_until IS NOT NULL AND lease_until >= :now) AS in_flight"
                        + " FROM adapter_delivery WHERE agency = :agency AND subject_ref = :ref"
                        + " AND change_type = :type AND delivery_id <> :id ORDER BY sequence FOR UPDATE")
                .param("agency", arriving.agency())
                .param("ref", arriving.subjectRef())
                .param("type", arriving.changeType().name())
                .param("id", arriving.deliveryId())
                .param("now", Timestamp.from(now))
                .query((rs, n) -> new Sibling(map(rs, n), rs.getBoolean("in_flight")))
                .list();
    }

    /**
     * Claims up to {@code limit} due deliveries of one agency, each the oldest open one of its subject (head of line),
     * skipping rows another dispatcher holds, and leases them until {@code leaseUntil}.
     */
    public List<Claim> claim(String agency, int limit, Instant now, Instant leaseUntil) {
        return jdbc.sql("UPDATE adapter_delivery d SET lease_until = :lease WHERE d.delivery_id IN ("
                        + " SELECT c.delivery_id FROM adapter_delivery c"
                        + " WHERE c.agency = :agency AND c.status IN ('PENDING', 'RETRYING')"
                        + " AND c.next_attempt_at <= :now AND (c.lease_until IS NULL OR c.lease_until < :now)"
                        + " AND NOT EXISTS (SELECT 1 FROM adapter_delivery o WHERE o.agency = c.agency"
                        + "   AND o.subject_ref = c.subject_ref AND o.status IN ('PENDING', 'RETRYING')"
                        + "   AND o.sequence < c.sequence)"
                        + " ORDER BY c.next_attempt_at, c.sequence LIMIT :limit FOR UPDATE SKIP LOCKED)"
                        + " RETURNING d.*")
                .param("lease", Timestamp.from(leaseUntil))
                .param("agency", agency)
                .param("now", Timestamp.from(now))
                .param("limit", limit)
                .query((rs, n) -> new Claim(map(rs, n), rs.getString("message")))
                .list();
    }

    /** Gives a claimed delivery back untouched: no try was made, so nothing else changes. */
    public void release(UUID deliveryId) {
        jdbc.sql("UPDATE adapter_delivery SET lease_until = NULL WHERE delivery_id = :id")
                .param("id", deliveryId)
                .update();
    }

    /**
     * Writes a state change made from {@code before}; false when the row moved on meanwhile (its revision changed),
     * in which case nothing is written.
     */
    public boolean update(AdapterDelivery before, AdapterDelivery after, Instant now) {
        return jdbc.sql("UPDATE adapter_delivery SET status = :status, attempts = :attempts, revision = :revision,"
                                + " reason = :reason, next_attempt_at = :next, lease_until = NULL, updated_at = :now"
                                + " WHERE delivery_id = :id AND revision = :expected")
                        .param("status", after.status().name())
                        .param("attempts", after.attempts())
                        .param("revision", after.revision())
                        .param("reason", after.reason())
                        .param("next", Timestamp.from(after.nextAttemptAt()))
                        .param("now", Timestamp.from(now))
                        .param("id", before.deliveryId())
                        .param("expected", before.revision())
                        .update()
                == 1;
    }

    /** Every open delivery of one agency, locked. */
    public List<AdapterDelivery> openDeliveries(String agency) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM adapter_delivery WHERE agency = :agency"
                        + " AND status IN ('PENDING', 'RETRYING') ORDER BY sequence FOR UPDATE")
                .param("agency", agency)
                .query(DeliveryStore::map)
                .list();
    }

    /** One delivery, if held here. */
    public java.util.Optional<AdapterDelivery> find(UUID deliveryId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM adapter_delivery WHERE delivery_id = :id")
                .param("id", deliveryId)
                .query(DeliveryStore::map)
                .optional();
    }

    /** Another delivery of the same agency, subject and type; in flight while a dispatcher holds it. */
    public record Sibling(AdapterDelivery delivery, boolean inFlight) {}

    /** A claimed delivery with the message it came in. */
    public record Claim(AdapterDelivery delivery, String messageJson) {}

    static AdapterDelivery map(ResultSet rs, int row) throws SQLException {
        Timestamp next = rs.getTimestamp("next_attempt_at");
        return new AdapterDelivery(
                rs.getObject("delivery_id", UUID.class),
                rs.getString("agency"),
                rs.getString("subject_ref"),
                rs.getLong("sequence"),
                ChangeType.valueOf(rs.getString("change_type")),
                rs.getString("receipt"),
                DeliveryStatus.valueOf(rs.getString("status")),
                rs.getInt("attempts"),
                rs.getLong("revision"),
                rs.getString("reason"),
                next == null ? null : next.toInstant());
    }
}
