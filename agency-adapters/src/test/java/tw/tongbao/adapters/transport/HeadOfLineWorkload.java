package tw.tongbao.adapters.transport;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Random changes to {@code adapter_delivery} over a few subjects of two agencies, in every way the head-of-line
 * upkeep must follow: arrivals (open, already closed, out of order, several in one statement), settling, parking,
 * supersession and cancelling, retries and replays, due-time moves, status changes that leave the open set as it
 * was, leases taken (as a claim takes them) and ended, several deliveries changed by one statement, and several
 * changes in one transaction.
 *
 * <p>A workload that is one of {@code workers} changes only the deliveries it inserted (their sequences are its own
 * residue modulo {@code workers}), so concurrent workloads share subjects and their head rows but never wait for each
 * other's delivery rows, and never deadlock: each transaction changes one subject.
 */
final class HeadOfLineWorkload {

    private static final String[] OPEN = {"PENDING", "RETRYING"};
    private static final String[] CLOSED = {"DELIVERED", "APPLIED", "REJECTED", "PARKED", "SUPERSEDED", "CANCELLED"};
    private static final String[] AGENCIES = {"NHIA", "NTA"};
    private static final int SUBJECTS = 3;

    private static final String UPDATE = "UPDATE adapter_delivery d SET status = c.status, next_attempt_at = c.at,"
            + " updated_at = now() FROM unnest(CAST(:ids AS uuid[]), CAST(:statuses AS text[]),"
            + " CAST(:ats AS timestamptz[])) AS c(id, status, at) WHERE d.delivery_id = c.id";

    private static final String INSERT = "INSERT INTO adapter_delivery (delivery_id, agency, subject_ref, sequence,"
            + " change_type, receipt, change_id, status, next_attempt_at, received_at, updated_at)"
            + " SELECT c.id, :agency, :subject, c.sequence, 'ADDRESS_CHANGE', 'R-' || c.sequence, c.id, c.status, c.at,"
            + " now(), now() FROM unnest(CAST(:ids AS uuid[]), CAST(:sequences AS bigint[]),"
            + " CAST(:statuses AS text[]), CAST(:ats AS timestamptz[])) AS c(id, sequence, status, at)";

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final Random random;
    private final int worker;
    private final int workers;
    private final Map<String, Set<Long>> drawn = new HashMap<>();
    private final Instant base = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    HeadOfLineWorkload(JdbcClient jdbc, TransactionTemplate transactions, long seed, int worker, int workers) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.random = new Random(seed);
        this.worker = worker;
        this.workers = workers;
    }

    /** Makes one random change (or a few in one transaction) and says what it was. */
    String step() {
        Key key = new Key(AGENCIES[random.nextInt(AGENCIES.length)], "subject-" + random.nextInt(SUBJECTS));
        if (random.nextInt(10) > 0) {
            return change(key, true);
        }
        int changes = 2 + random.nextInt(3);
        return transactions.execute(status -> {
            List<String> made = new ArrayList<>();
            for (int i = 0; i < changes; i++) {
                made.add(change(key, false));
            }
            return "transaction " + made;
        });
    }

    /** One random change; {@code alone} when it is a transaction of its own, as a claim always is. */
    private String change(Key key, boolean alone) {
        List<Row> rows = rows(key);
        List<Row> open = rows.stream().filter(Row::isOpen).toList();
        List<Row> closed = rows.stream().filter(row -> !row.isOpen()).toList();
        int kind = random.nextInt(100);
        if (kind < 25 || rows.isEmpty()) {
            return arrive(key, 1 + (random.nextInt(4) == 0 ? random.nextInt(3) : 0));
        }
        if (kind < 45 && !open.isEmpty()) {
            return update("close", List.of(headOrAny(open)), row -> pick(CLOSED), row -> row.at());
        }
        if (kind < 55 && !closed.isEmpty()) {
            return update("reopen", List.of(any(closed)), row -> "PENDING", row -> time());
        }
        if (kind < 70 && !open.isEmpty()) {
            return update("move", List.of(headOrAny(open)), row -> pick(OPEN), row -> time());
        }
        if (kind < 80) {
            // Status changes that neither open nor close anything, due time unchanged.
            return update("relabel", List.of(any(rows)), row -> pick(row.isOpen() ? OPEN : CLOSED), Row::at);
        }
        if (kind < 86 && alone) {
            return lease(key);
        }
        if (kind < 90) {
            return release(any(rows));
        }
        List<Row> several = new ArrayList<>(rows);
        Collections.shuffle(several, random);
        several = several.subList(0, Math.min(several.size(), 2 + random.nextInt(3)));
        return update(
                "several",
                several,
                row -> random.nextBoolean() ? pick(OPEN) : pick(CLOSED),
                row -> random.nextBoolean() ? row.at() : time());
    }

    private String arrive(Key key, int count) {
        List<UUID> ids = new ArrayList<>();
        List<Long> sequences = new ArrayList<>();
        List<String> statuses = new ArrayList<>();
        List<String> ats = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(UUID.randomUUID());
            sequences.add(sequence(key));
            // A stale arrival is stored already superseded.
            statuses.add(random.nextInt(5) == 0 ? "SUPERSEDED" : "PENDING");
            ats.add(time().toString());
        }
        jdbc.sql(INSERT)
                .param("agency", key.agency())
                .param("subject", key.subject())
                .param("ids", ids.toArray(UUID[]::new))
                .param("sequences", sequences.toArray(Long[]::new))
                .param("statuses", statuses.toArray(String[]::new))
                .param("ats", ats.toArray(String[]::new))
                .update();
        return "arrive " + key + " " + sequences + " " + statuses;
    }

    private String update(String what, List<Row> rows, Function<Row, String> status, Function<Row, Instant> at) {
        List<String> statuses = rows.stream().map(status).toList();
        List<Instant> ats = rows.stream().map(at).toList();
        jdbc.sql(UPDATE)
                .param("ids", rows.stream().map(Row::id).toArray(UUID[]::new))
                .param("statuses", statuses.toArray(String[]::new))
                .param("ats", ats.stream().map(Instant::toString).toArray(String[]::new))
                .update();
        List<String> moves = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            moves.add(row.sequence() + ":" + row.status() + "->" + statuses.get(i)
                    + (ats.get(i).equals(row.at()) ? "" : "@" + ats.get(i)));
        }
        return what + " " + moves;
    }

    /**
     * Leases the subject's head as a claim does (V13), in a transaction of its own: the delivery's lease, and the head's
     * time and holder written by the same statement, without the subject's lock, passing over a head another
     * transaction holds. Only a head among this workload's deliveries, whose rows no other workload locks.
     */
    private String lease(Key key) {
        int leased = jdbc.sql("WITH leased AS (UPDATE adapter_delivery d SET lease_until = d.next_attempt_at"
                        + " + make_interval(secs => :extra), leased_by = :holder WHERE d.delivery_id ="
                        + " (SELECT delivery_id FROM adapter_head WHERE agency = :agency AND subject_ref = :subject)"
                        + " AND d.sequence % :workers = :worker RETURNING d.*)"
                        + " UPDATE adapter_head h SET next_attempt_at = free.lease_until, leased_by = free.leased_by"
                        + " FROM (SELECT f.agency, f.subject_ref, f.delivery_id, leased.lease_until, leased.leased_by"
                        + " FROM adapter_head f JOIN leased ON f.agency = leased.agency"
                        + " AND f.subject_ref = leased.subject_ref AND f.delivery_id = leased.delivery_id"
                        + " FOR UPDATE OF f SKIP LOCKED) free WHERE h.agency = free.agency"
                        + " AND h.subject_ref = free.subject_ref AND h.delivery_id = free.delivery_id")
                .param("extra", 1 + random.nextInt(3600))
                .param("holder", UUID.randomUUID())
                .param("agency", key.agency())
                .param("subject", key.subject())
                .param("workers", workers)
                .param("worker", worker)
                .update();
        return "lease head of " + key + (leased == 0 ? " (none of this workload's)" : "");
    }

    /** Ends a delivery's lease, as a settlement or a release does. */
    private String release(Row row) {
        jdbc.sql("UPDATE adapter_delivery SET lease_until = NULL, leased_by = NULL WHERE delivery_id = :id")
                .param("id", row.id())
                .update();
        return "release " + row.sequence();
    }

    /** This workload's deliveries of a subject, by sequence. */
    private List<Row> rows(Key key) {
        return jdbc.sql("SELECT delivery_id, status, sequence, next_attempt_at FROM adapter_delivery"
                        + " WHERE agency = :agency AND subject_ref = :subject AND sequence % :workers = :worker"
                        + " ORDER BY sequence")
                .param("agency", key.agency())
                .param("subject", key.subject())
                .param("workers", workers)
                .param("worker", worker)
                .query((rs, n) -> new Row(
                        rs.getObject("delivery_id", UUID.class),
                        rs.getString("status"),
                        rs.getLong("sequence"),
                        rs.getTimestamp("next_attempt_at").toInstant()))
                .list();
    }

    /** A sequence not drawn before for the subject: mostly after all others, sometimes in a gap before some. */
    private long sequence(Key key) {
        Set<Long> used = drawn.computeIfAbsent(key.toString(), k -> new HashSet<>());
        long highest = used.stream().mapToLong(Long::longValue).max().orElse(0);
        long raw = highest + 1 + random.nextInt(3);
        if (random.nextInt(4) == 0 && highest > 1) {
            long gap = 1 + random.nextLong(highest);
            if (!used.contains(gap)) {
                raw = gap;
            }
        }
        used.add(raw);
        return raw * workers + worker;
    }

    private Row headOrAny(List<Row> open) {
        return random.nextBoolean() ? open.get(0) : any(open);
    }

    private Row any(List<Row> rows) {
        return rows.get(random.nextInt(rows.size()));
    }

    private String pick(String[] statuses) {
        return statuses[random.nextInt(statuses.length)];
    }

    /** A due time within an hour either side of the start, in whole seconds so that equal times compare equal. */
    private Instant time() {
        return base.plusSeconds(random.nextInt(7200) - 3600);
    }

    private record Key(String agency, String subject) {

        @Override
        public String toString() {
            return agency + "/" + subject;
        }
    }

    private record Row(UUID id, String status, long sequence, Instant at) {

        boolean isOpen() {
            return status.equals("PENDING") || status.equals("RETRYING");
        }
    }
}
