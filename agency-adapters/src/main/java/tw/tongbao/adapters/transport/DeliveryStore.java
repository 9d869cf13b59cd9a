package tw.tongbao.adapters.transport;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
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
            + " attempts, revision, reason, next_attempt_at, attempts_before_retry";

    /**
     * Whether row {@code c}'s lease still binds: not lapsed, and held by an instance whose heartbeat is recent (in
     * database time, so the instances' clocks need not agree).
     */
    private static final String LIVE_LEASE = "(c.lease_until IS NOT NULL AND c.lease_until >= :now"
            + " AND (c.leased_by IS NULL OR c.leased_by IN (SELECT i.instance_id FROM adapter_instance i"
            + " WHERE i.heartbeat_at >= clock_timestamp() - make_interval(secs => :stale))))";

    private final JdbcClient jdbc;

    private final double staleSeconds;

    public DeliveryStore(JdbcClient jdbc, tw.tongbao.adapters.AdaptersProperties properties) {
        this.jdbc = jdbc;
        this.staleSeconds = properties.instanceStaleAfter().toMillis() / 1000.0;
    }

    /** Stores a newly received delivery with its message; false when it is already here (a redelivery). */
    public boolean insertIfAbsent(AdapterDelivery delivery, String messageJson, Instant now) {
        return jdbc.sql("INSERT INTO adapter_delivery (" + COLUMNS + ", message, received_at, updated_at)"
                                + " VALUES (:id, :agency, :ref, :seq, :type, :receipt, :status, :attempts, :revision,"
                                + " :reason, :next, :base, CAST(:message AS jsonb), :now, :now)"
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
                        .param("base", delivery.attemptsBeforeRetry())
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
        return jdbc.sql("SELECT " + COLUMNS + ", " + LIVE_LEASE + " AS in_flight"
                        + " FROM adapter_delivery c WHERE agency = :agency AND subject_ref = :ref"
                        + " AND change_type = :type AND delivery_id <> :id ORDER BY sequence FOR UPDATE")
                .param("agency", arriving.agency())
                .param("ref", arriving.subjectRef())
                .param("type", arriving.changeType().name())
                .param("id", arriving.deliveryId())
                .param("now", Timestamp.from(now))
                .param("stale", staleSeconds)
                .query((rs, n) -> new Sibling(map(rs, n), rs.getBoolean("in_flight")))
                .list();
    }

    /**
     * Claims up to {@code limit} due deliveries of one agency for {@code instance}, each the oldest open one of its
     * subject (head of line), skipping rows another dispatcher holds, and leases them until {@code leaseUntil}. A lease
     * that lapsed, or whose holder stopped heartbeating, no longer holds a row back.
     */
    public List<Claim> claim(String agency, int limit, Instant now, Instant leaseUntil, java.util.UUID instance) {
        // adapter_head names each subject's lowest open delivery (kept by a trigger, V3). Candidates are read from it a
        // page at a time in due order (a single-table index range scan, whatever the statistics say), then leased by
        // primary key; rows in flight are passed over, so a claim costs O(batch + in flight), not O(backlog).
        List<Claim> claimed = new ArrayList<>(limit);
        Head after = null;
        int page = Math.max(2 * limit, 32);
        while (claimed.size() < limit) {
            List<Head> heads = dueHeads(agency, now, after, page);
            if (heads.isEmpty()) {
                break;
            }
            claimed.addAll(lease(agency, heads, limit - claimed.size(), now, leaseUntil, instance));
            if (heads.size() < page) {
                break;
            }
            after = heads.get(heads.size() - 1);
            page *= 2;
        }
        return claimed;
    }

    private List<Head> dueHeads(String agency, Instant now, Head after, int page) {
        String keyset = after == null ? "" : " AND (next_attempt_at, sequence) > (:afterAt, :afterSeq)";
        JdbcClient.StatementSpec spec = jdbc.sql("SELECT delivery_id, next_attempt_at, sequence FROM adapter_head"
                        + " WHERE agency = :agency AND next_attempt_at <= :now" + keyset
                        + " ORDER BY next_attempt_at, sequence LIMIT :page")
                .param("agency", agency)
                .param("now", Timestamp.from(now))
                .param("page", page);
        if (after != null) {
            spec = spec.param("afterAt", after.nextAttemptAt()).param("afterSeq", after.sequence());
        }
        return spec.query((rs, n) -> new Head(
                        rs.getObject("delivery_id", UUID.class),
                        rs.getTimestamp("next_attempt_at"),
                        rs.getLong("sequence")))
                .list();
    }

    /** Leases up to {@code limit} of the candidates that are still due, open, free and first of their subject. */
    private List<Claim> lease(
            String agency, List<Head> heads, int limit, Instant now, Instant leaseUntil, UUID instance) {
        return jdbc.sql("WITH due AS (SELECT c.delivery_id, c.leased_by AS previous_holder,"
                        + " (c.lease_until IS NOT NULL AND c.lease_until >= :now) AS taken_over"
                        + " FROM adapter_delivery c WHERE c.delivery_id = ANY(:ids) AND c.agency = :agency"
                        + " AND c.status IN ('PENDING', 'RETRYING') AND c.next_attempt_at <= :now"
                        + " AND NOT " + LIVE_LEASE
                        + " AND NOT EXISTS (SELECT 1 FROM adapter_delivery o WHERE o.agency = c.agency"
                        + "   AND o.subject_ref = c.subject_ref AND o.status IN ('PENDING', 'RETRYING')"
                        + "   AND o.sequence < c.sequence)"
                        + " ORDER BY c.next_attempt_at, c.sequence LIMIT :limit FOR UPDATE SKIP LOCKED)"
                        + " UPDATE adapter_delivery d SET lease_until = :lease, leased_by = :instance FROM due"
                        + " WHERE d.delivery_id = due.delivery_id"
                        + " RETURNING d.*, due.previous_holder, due.taken_over")
                .param("ids", heads.stream().map(Head::deliveryId).toArray(UUID[]::new))
                .param("lease", Timestamp.from(leaseUntil))
                .param("instance", instance)
                .param("agency", agency)
                .param("now", Timestamp.from(now))
                .param("stale", staleSeconds)
                .param("limit", limit)
                .query((rs, n) -> new Claim(
                        map(rs, n),
                        rs.getString("message"),
                        rs.getBoolean("taken_over") ? rs.getObject("previous_holder", UUID.class) : null))
                .list();
    }

    /** A subject's head of line as {@code adapter_head} lists it: a claim candidate and its place in due order. */
    private record Head(UUID deliveryId, Timestamp nextAttemptAt, long sequence) {}

    /** Gives a claimed delivery back untouched: no try was made, so nothing else changes. */
    public void release(UUID deliveryId) {
        jdbc.sql("UPDATE adapter_delivery SET lease_until = NULL, leased_by = NULL WHERE delivery_id = :id")
                .param("id", deliveryId)
                .update();
    }

    /**
     * Writes a state change made from {@code before}; false when the row moved on meanwhile (its revision changed),
     * in which case nothing is written.
     */
    public boolean update(AdapterDelivery before, AdapterDelivery after, Instant now) {
        return jdbc.sql("UPDATE adapter_delivery SET status = :status, attempts = :attempts, revision = :revision,"
                                + " reason = :reason, next_attempt_at = :next, attempts_before_retry = :base,"
                                + " lease_until = NULL, leased_by = NULL, cancel_reason = NULL,"
                                + " first_delivered_at = COALESCE(first_delivered_at,"
                                + "   CASE WHEN :status = 'DELIVERED' THEN CAST(:now AS timestamptz) END),"
                                + " updated_at = :now WHERE delivery_id = :id AND revision = :expected")
                        .param("status", after.status().name())
                        .param("attempts", after.attempts())
                        .param("revision", after.revision())
                        .param("reason", after.reason())
                        .param("next", Timestamp.from(after.nextAttemptAt()))
                        .param("base", after.attemptsBeforeRetry())
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

    /** One delivery, locked, and whether a dispatcher holds it now (a try is under way). */
    public java.util.Optional<Sibling> lock(UUID deliveryId, Instant now) {
        return jdbc.sql("SELECT " + COLUMNS + ", " + LIVE_LEASE + " AS in_flight FROM adapter_delivery c"
                        + " WHERE delivery_id = :id FOR UPDATE")
                .param("id", deliveryId)
                .param("now", Timestamp.from(now))
                .param("stale", staleSeconds)
                .query((rs, n) -> new Sibling(map(rs, n), rs.getBoolean("in_flight")))
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

    /** The cancel an operator asked for while the delivery's try was under way, if any; locks the row. */
    public java.util.Optional<String> pendingCancel(UUID deliveryId) {
        return jdbc.sql("SELECT cancel_reason FROM adapter_delivery WHERE delivery_id = :id FOR UPDATE")
                .param("id", deliveryId)
                .query((rs, n) -> java.util.Optional.ofNullable(rs.getString("cancel_reason")))
                .optional()
                .flatMap(reason -> reason);
    }

    /**
     * A newer delivery of the same agency, subject and type that the agency has or will get: delivering {@code older}
     * after it would leave the agency holding an older value.
     */
    public java.util.Optional<AdapterDelivery> newerOfSameType(AdapterDelivery older) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM adapter_delivery WHERE agency = :agency AND subject_ref = :ref"
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
        return jdbc.sql("SELECT " + COLUMNS + " FROM adapter_delivery d WHERE d.agency = :agency AND d.status"
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

    /** Open deliveries (PENDING or RETRYING) per agency; agencies without any are absent. */
    public java.util.Map<String, Long> backlog() {
        java.util.Map<String, Long> backlog = new java.util.HashMap<>();
        jdbc.sql("SELECT agency, count(*) AS open FROM adapter_delivery WHERE status IN ('PENDING', 'RETRYING')"
                        + " GROUP BY agency")
                .query(rs -> {
                    backlog.put(rs.getString("agency"), rs.getLong("open"));
                });
        return backlog;
    }

    /** Another delivery of the same agency, subject and type; in flight while a dispatcher holds it. */
    public record Sibling(AdapterDelivery delivery, boolean inFlight) {}

    /**
     * A claimed delivery with the message it came in.
     *
     * @param takenOverFrom the instance whose lease was taken over because it stopped heartbeating, or null
     */
    public record Claim(AdapterDelivery delivery, String messageJson, UUID takenOverFrom) {}

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
                next == null ? null : next.toInstant(),
                rs.getInt("attempts_before_retry"));
    }
}
