package tw.tongbao.adapters.transport;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tw.tongbao.core.change.ChangeType;
import tw.tongbao.core.delivery.DeliveryStatus;

/**
 * The {@code adapter_delivery} table: inbox, schedule and status of every delivery this adapter holds. The dispatchers'
 * claims of due deliveries are {@link DeliveryClaims}.
 */
@Repository
public class DeliveryStore {

    static final String COLUMNS = "delivery_id, agency, subject_ref, sequence, change_type, receipt, status,"
            + " attempts, revision, reason, next_attempt_at, attempts_before_retry";

    /**
     * Whether row {@code c}'s lease still binds: not lapsed, and held by an instance whose heartbeat is recent (in
     * database time, so the instances' clocks need not agree).
     */
    static final String LIVE_LEASE = "(c.lease_until IS NOT NULL AND c.lease_until >= :now"
            + " AND (c.leased_by IS NULL OR c.leased_by IN (SELECT i.instance_id FROM adapter_instance i"
            + " WHERE i.heartbeat_at >= clock_timestamp() - make_interval(secs => :stale))))";

    /**
     * The order in which a transaction that changes several subjects' rows takes their head-of-line locks (V3, V15
     * triggers): the inbox's inserts and the settlement's updates both follow it, having first locked every delivery row
     * they read (in SQL order, {@link #ROW_ORDER}), so none can hold a lock another waits for while waiting for one the
     * other holds. Agency first: one inbox transaction stores several agencies' deliveries, the settlement and operator
     * commands touch one agency's rows, and one order over all of them keeps every pair of transactions in step. The
     * only rows that several agencies' deliveries share, the changes' messages, are written by {@link #storeMessages} in
     * a transaction of its own, committed before the inbox transaction starts, which touches no message row.
     */
    private static final Comparator<AdapterDelivery> LOCK_ORDER = Comparator.comparing(AdapterDelivery::agency)
            .thenComparing(AdapterDelivery::subjectRef)
            .thenComparingLong(AdapterDelivery::sequence)
            .thenComparing(AdapterDelivery::deliveryId);

    /** The order in which statements that lock several delivery rows lock them (the same as {@link #LOCK_ORDER}). */
    static final String ROW_ORDER = " ORDER BY agency, subject_ref, sequence, delivery_id";

    /**
     * Inserts the arrays' rows in their order (ORDER BY the ordinality: the SELECT's order is the order the rows are
     * inserted in, and their row triggers queued and fired in); returns the ids of the rows inserted.
     */
    private static final String INSERT = "INSERT INTO adapter_delivery (" + COLUMNS + ", change_id, received_at,"
            + " updated_at) SELECT u.delivery_id, u.agency, u.subject_ref, u.sequence, u.change_type, u.receipt,"
            + " u.status, u.attempts, u.revision, u.reason, u.next_attempt_at, u.attempts_before_retry, u.change_id,"
            + " :now, :now FROM unnest(CAST(:ids AS uuid[]), CAST(:agencies AS text[]), CAST(:refs AS text[]),"
            + " CAST(:sequences AS bigint[]), CAST(:types AS text[]), CAST(:receipts AS text[]),"
            + " CAST(:statuses AS text[]), CAST(:attempts AS integer[]), CAST(:revisions AS bigint[]),"
            + " CAST(:reasons AS text[]), CAST(:nextAttempts AS timestamptz[]), CAST(:attemptsBeforeRetry AS integer[]),"
            + " CAST(:changeIds AS uuid[])) WITH ORDINALITY AS u(delivery_id, agency, subject_ref, sequence,"
            + " change_type, receipt, status, attempts, revision, reason, next_attempt_at, attempts_before_retry,"
            + " change_id, n) ORDER BY u.n ON CONFLICT (delivery_id) DO NOTHING RETURNING delivery_id";

    /** Writes state changes with one UPDATE per row, in the arrays' order (V7 says why not one UPDATE for all). */
    private static final String SETTLE = "SELECT * FROM adapter_delivery_settle(CAST(:ids AS uuid[]),"
            + " CAST(:revisionsBefore AS bigint[]), CAST(:statuses AS text[]), CAST(:attempts AS integer[]),"
            + " CAST(:revisions AS bigint[]), CAST(:reasons AS text[]), CAST(:nextAttempts AS timestamptz[]),"
            + " CAST(:attemptsBeforeRetry AS integer[]), :now)";

    private final JdbcClient jdbc;

    private final double staleSeconds;

    public DeliveryStore(JdbcTemplate jdbc, tw.tongbao.adapters.AdaptersProperties properties) {
        this.jdbc = JdbcClient.create(jdbc);
        this.staleSeconds = properties.instanceStaleAfter().toMillis() / 1000.0;
    }

    /**
     * Stores a newly received delivery and its message in the caller's transaction; false when it is already here (a
     * redelivery). For tests and tools: the inbox stores messages in a transaction of their own (see
     * {@link #storeMessages}).
     */
    public boolean insertIfAbsent(AdapterDelivery delivery, UUID changeId, byte[] message, Instant now) {
        storeMessages(List.of(new Message(changeId, message)));
        return insertAllIfAbsent(List.of(new Arrival(delivery, changeId)), now)[0];
    }

    /**
     * Stores the changes' messages, each once whatever number of agencies it is addressed to, in one statement and
     * in change id order; a message already stored is left as it is ({@code ON CONFLICT DO NOTHING}).
     *
     * <p>The inboxes of different instances store the same changes (each agency queue has a consumer on every
     * instance), and an insert of a change id that another transaction inserted and has not committed waits for that
     * transaction to end. The inbox therefore runs this statement alone in a transaction of its own and commits it
     * before its delivery transaction starts (see {@code InboxWriter.storeMessages}): such a wait then lasts one short
     * statement, never another inbox's whole batch, and these waits form no cycle, since each such transaction holds
     * only message rows, taken in change id order.
     *
     * <p>The messages travel as the bytes they came in and PostgreSQL turns them into text: decoding them into Java
     * strings only for the driver to encode them again was 8 % of the adapters' CPU. Bytes that are not valid UTF-8
     * fail the statement with a {@link org.springframework.dao.DataIntegrityViolationException} (the message's fault,
     * not the database's).
     */
    public void storeMessages(List<Message> messages) {
        if (messages.isEmpty()) {
            return;
        }
        jdbc.sql("INSERT INTO adapter_message (change_id, message) SELECT DISTINCT ON (m.id) m.id, m.message"
                        + " FROM (SELECT id, convert_from(bytes, 'UTF8') AS message FROM unnest(CAST(:ids AS uuid[]),"
                        + " CAST(:messages AS bytea[])) AS u(id, bytes)) AS m"
                        + " ORDER BY m.id ON CONFLICT (change_id) DO NOTHING")
                .param("ids", messages.stream().map(Message::changeId).toArray(UUID[]::new))
                .param("messages", messages.stream().map(Message::body).toArray(byte[][]::new))
                .update();
    }

    /**
     * Lets the current transaction's commit return before its WAL reaches the disk ({@code synchronous_commit = off}
     * for this transaction only). Safe only for a transaction that matters through later ones alone: the messages'
     * transaction. PostgreSQL writes and recovers its WAL in order, so once a later transaction's commit is flushed
     * (the delivery transaction, before its AMQP messages are acknowledged; any other agency's delivery that read the
     * message), this commit is on disk too; a crash before that loses it only with everything that depends on it,
     * and the unacknowledged messages come back. Saves a disk flush per inbox batch (0.7 ms here).
     */
    public void commitWithoutWaitingForTheDisk() {
        jdbc.sql("SET LOCAL synchronous_commit = off").update();
    }

    /**
     * Stores newly received deliveries in one statement, in lock order; element i says whether arrival i was stored
     * (false: it was here already, a redelivery, or an earlier arrival of the list had its id). Their messages must
     * have been stored by {@link #storeMessages} first: the claim reads a delivery's message by join, and nothing here
     * checks that it is there.
     *
     * <p>One INSERT for all rows instead of a JDBC batch of one per row: PostgreSQL parses, binds and answers one
     * statement instead of one per arrival (a batch's rows were each a statement execution). The rows are still
     * inserted in {@link #LOCK_ORDER}, and the statement's head-of-line trigger (V15) takes the subjects' locks in the
     * order the rows were inserted; it runs once all rows are in, so while an insert waits for another transaction's
     * row of the same id, this statement holds no head-of-line lock yet.
     */
    public boolean[] insertAllIfAbsent(List<Arrival> arrivals, Instant now) {
        if (arrivals.isEmpty()) {
            return new boolean[0];
        }
        List<Integer> order = lockOrder(arrivals.stream().map(Arrival::delivery).toList());
        List<AdapterDelivery> rows =
                order.stream().map(i -> arrivals.get(i).delivery()).toList();
        Set<UUID> inserted = new HashSet<>(jdbc.sql(INSERT)
                .param("ids", rows.stream().map(AdapterDelivery::deliveryId).toArray(UUID[]::new))
                .param("agencies", rows.stream().map(AdapterDelivery::agency).toArray(String[]::new))
                .param("refs", rows.stream().map(AdapterDelivery::subjectRef).toArray(String[]::new))
                .param("sequences", rows.stream().map(AdapterDelivery::sequence).toArray(Long[]::new))
                .param("types", rows.stream().map(d -> d.changeType().name()).toArray(String[]::new))
                .param("receipts", rows.stream().map(AdapterDelivery::receipt).toArray(String[]::new))
                .param("statuses", rows.stream().map(d -> d.status().name()).toArray(String[]::new))
                .param("attempts", rows.stream().map(AdapterDelivery::attempts).toArray(Integer[]::new))
                .param("revisions", rows.stream().map(AdapterDelivery::revision).toArray(Long[]::new))
                .param("reasons", rows.stream().map(AdapterDelivery::reason).toArray(String[]::new))
                .param(
                        "nextAttempts",
                        rows.stream().map(d -> d.nextAttemptAt().toString()).toArray(String[]::new))
                .param(
                        "attemptsBeforeRetry",
                        rows.stream().map(AdapterDelivery::attemptsBeforeRetry).toArray(Integer[]::new))
                .param(
                        "changeIds",
                        order.stream().map(i -> arrivals.get(i).changeId()).toArray(UUID[]::new))
                .param("now", Timestamp.from(now))
                .query(UUID.class)
                .list());
        boolean[] stored = new boolean[arrivals.size()];
        for (int i : order) {
            // A row inserted counts for the first arrival of its id in lock order, the one a row-by-row insert stored.
            stored[i] = inserted.remove(arrivals.get(i).delivery().deliveryId());
        }
        return stored;
    }

    /**
     * The other deliveries of the same agency, subject and type as any of {@code arriving} (of one agency or several),
     * locked (in one statement, in {@link #ROW_ORDER}), each marked in flight when a dispatcher holds its lease: the
     * candidates for supersession, and the newer ones that make an arriving delivery stale. An arriving delivery already
     * stored (a redelivery) is among them; the caller tells them apart.
     */
    public List<Sibling> sameSubjectAndType(List<AdapterDelivery> arriving, Instant now) {
        if (arriving.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("SELECT " + COLUMNS + ", " + LIVE_LEASE + " AS in_flight FROM adapter_delivery c"
                        + " WHERE (agency, subject_ref, change_type) IN (SELECT * FROM unnest(CAST(:agencies AS text[]),"
                        + " CAST(:refs AS text[]), CAST(:types AS text[])))"
                        + ROW_ORDER + " FOR UPDATE")
                .param(
                        "agencies",
                        arriving.stream().map(AdapterDelivery::agency).toArray(String[]::new))
                .param(
                        "refs",
                        arriving.stream().map(AdapterDelivery::subjectRef).toArray(String[]::new))
                .param(
                        "types",
                        arriving.stream().map(d -> d.changeType().name()).toArray(String[]::new))
                .param("now", Timestamp.from(now))
                .param("stale", staleSeconds)
                .query((rs, n) -> new Sibling(map(rs, n), rs.getBoolean("in_flight")))
                .list();
    }

    /**
     * Writes a state change made from {@code before}; false when the row moved on meanwhile (its revision changed),
     * in which case nothing is written.
     */
    public boolean update(AdapterDelivery before, AdapterDelivery after, Instant now) {
        return updateAll(List.of(new StateChange(before, after)), now)[0];
    }

    /**
     * Writes state changes in one statement, in lock order, each only if its row is still at the revision it was made
     * from; element i says whether change i was written. The rows must have been locked by the caller (in
     * {@link #ROW_ORDER}); each update then takes its subject's head-of-line lock, in {@link #LOCK_ORDER}.
     *
     * <p>One statement instead of a JDBC batch of one UPDATE per row: the rows are still updated one by one, in order,
     * by a function (V7), but PostgreSQL parses, binds and answers one call instead of one per row (10 % less of its CPU
     * per settlement in batches of 16, measured).
     */
    public boolean[] updateAll(List<StateChange> changes, Instant now) {
        if (changes.isEmpty()) {
            return new boolean[0];
        }
        List<Integer> order =
                lockOrder(changes.stream().map(StateChange::before).toList());
        List<AdapterDelivery> before =
                order.stream().map(i -> changes.get(i).before()).toList();
        List<AdapterDelivery> after =
                order.stream().map(i -> changes.get(i).after()).toList();
        boolean[] written = new boolean[changes.size()];
        jdbc.sql(SETTLE)
                .param("ids", before.stream().map(AdapterDelivery::deliveryId).toArray(UUID[]::new))
                .param(
                        "revisionsBefore",
                        before.stream().map(AdapterDelivery::revision).toArray(Long[]::new))
                .param("statuses", after.stream().map(d -> d.status().name()).toArray(String[]::new))
                .param("attempts", after.stream().map(AdapterDelivery::attempts).toArray(Integer[]::new))
                .param(
                        "revisions",
                        after.stream().map(AdapterDelivery::revision).toArray(Long[]::new))
                .param("reasons", after.stream().map(AdapterDelivery::reason).toArray(String[]::new))
                .param(
                        "nextAttempts",
                        after.stream().map(d -> d.nextAttemptAt().toString()).toArray(String[]::new))
                .param(
                        "attemptsBeforeRetry",
                        after.stream().map(AdapterDelivery::attemptsBeforeRetry).toArray(Integer[]::new))
                .param("now", Timestamp.from(now))
                .query(Integer.class)
                .list()
                .forEach(position -> written[order.get(position - 1)] = true);
        return written;
    }

    /**
     * Locks the given deliveries (in one statement, in {@link #ROW_ORDER}) and reads what a settlement must check:
     * each one's revision and the cancel an operator asked for while its try was under way. Deliveries no longer held
     * here are absent.
     */
    public Map<UUID, Settling> lockForSettlement(List<UUID> deliveryIds) {
        Map<UUID, Settling> locked = new HashMap<>();
        jdbc.sql("SELECT delivery_id, revision, cancel_reason FROM adapter_delivery WHERE delivery_id = ANY(:ids)"
                        + ROW_ORDER + " FOR UPDATE")
                .param("ids", deliveryIds.toArray(UUID[]::new))
                .query(rs -> {
                    locked.put(
                            rs.getObject("delivery_id", UUID.class),
                            new Settling(rs.getLong("revision"), rs.getString("cancel_reason")));
                });
        return locked;
    }

    /** The indexes of {@code deliveries} in lock order. */
    private static List<Integer> lockOrder(List<AdapterDelivery> deliveries) {
        List<Integer> order = new ArrayList<>(deliveries.size());
        for (int i = 0; i < deliveries.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparing(deliveries::get, LOCK_ORDER));
        return order;
    }

    /**
     * Up to {@code limit} open deliveries of one agency from {@code from} on (from the first when null) in subject and
     * sequence order, locked in {@link #ROW_ORDER}: a chunk of a sweep over all of them, one transaction per chunk, so
     * that neither the rows read nor the head-of-line locks their changes take grow with the agency's backlog. The
     * sweep changes every row it gets, so none comes back in the next chunk although {@code from} itself is included.
     * With {@code skipLocked}, rows another transaction holds are passed over (a later sweep finds them) instead of
     * waited for.
     */
    public List<AdapterDelivery> lockOpenFrom(String agency, AdapterDelivery from, int limit, boolean skipLocked) {
        // The candidates are a range of the partial index on open deliveries, read in its order and stopped by the
        // LIMIT; then locked by primary key (ANY(ARRAY(...)), as in the claim), whatever the statistics say.
        String keyset = from == null ? "" : " AND (subject_ref, sequence) >= (:fromRef, :fromSeq)";
        JdbcClient.StatementSpec spec = jdbc.sql("SELECT " + COLUMNS + " FROM adapter_delivery WHERE delivery_id ="
                        + " ANY(ARRAY(SELECT delivery_id FROM adapter_delivery WHERE agency = :agency"
                        + " AND status IN ('PENDING', 'RETRYING')" + keyset + " ORDER BY subject_ref, sequence"
                        + " LIMIT :limit)) AND status IN ('PENDING', 'RETRYING')" + ROW_ORDER + " FOR UPDATE"
                        + (skipLocked ? " SKIP LOCKED" : ""))
                .param("agency", agency)
                .param("limit", limit);
        if (from != null) {
            spec = spec.param("fromRef", from.subjectRef()).param("fromSeq", from.sequence());
        }
        return spec.query(DeliveryStore::map).list();
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

    /** A delivery just received, with the change it belongs to. */
    public record Arrival(AdapterDelivery delivery, UUID changeId) {}

    /** A change's message as it came (UTF-8 JSON), stored once for all the agencies it is addressed to. */
    public record Message(UUID changeId, byte[] body) {}

    /** A state change: the delivery as it was read, and as it is to be written. */
    public record StateChange(AdapterDelivery before, AdapterDelivery after) {}

    /**
     * A locked delivery about to be settled.
     *
     * @param revision its revision now
     * @param cancelReason the cancel an operator asked for while its try was under way, or null
     */
    public record Settling(long revision, String cancelReason) {}

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
