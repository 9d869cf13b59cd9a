package tw.tongbao.adapters.transport;

/**
 * The statement with which {@link DeliveryClaims#claim} leases one page of head-of-line candidates: the page's heads
 * read in due order, the candidates locked, the due ones leased and their heads moved out of the due range, all in one
 * statement.
 */
final class ClaimStatement {

    /** The claim of a first page of heads. */
    static final String FIRST_PAGE = sql(false);

    /** The claim of a page after the last head of the one before. */
    static final String NEXT_PAGE = sql(true);

    private ClaimStatement() {}

    /**
     * The claim of one page, reading the heads after {@code (:afterAt, :afterSeq)} when {@code keyset}; its parameters
     * are named.
     */
    static String sql(boolean keyset) {
        String keysetCondition = keyset ? " AND (next_attempt_at, sequence) > (:afterAt, :afterSeq)" : "";
        // After the read of the due heads, every row is looked up by key or where it lies (ctid), never by the agency:
        // the statistics may be from a quiet spell (no head, hardly an open delivery), and then the planner costs a
        // scan of all the agency's open deliveries or heads as low as a look-up by key, and took it, in a burst for
        // every candidate (ClaimPlansIntegrationTests).
        return "WITH heads AS (SELECT ctid AS head_at, delivery_id, next_attempt_at, sequence"
                + " FROM adapter_head WHERE agency = :agency AND next_attempt_at <= :now" + keysetCondition
                // Read here as well as by the dispatcher (whose view of another instance's disable may be a
                // state TTL old): once a 410's transaction commits, no instance leases a delivery that the 410
                // is still parking.
                + " AND NOT EXISTS (SELECT 1 FROM agency_state s WHERE s.agency = :agency AND s.disabled)"
                + " ORDER BY next_attempt_at, sequence LIMIT :page),"
                // The candidates, locked by primary key with no other condition that an index could serve; what
                // makes one due is checked below on the row as locked (its latest version).
                + " candidates AS (SELECT c.delivery_id, c.agency, c.subject_ref, c.sequence, c.status,"
                + " c.next_attempt_at, c.lease_until, c.leased_by FROM adapter_delivery c"
                + " WHERE c.delivery_id = ANY(ARRAY(SELECT delivery_id FROM heads)) FOR UPDATE OF c SKIP LOCKED),"
                + " due AS (SELECT c.delivery_id, c.leased_by AS previous_holder,"
                + " (c.lease_until IS NOT NULL AND c.lease_until >= :now) AS taken_over"
                + " FROM candidates c WHERE c.agency = :agency"
                + " AND c.status IN ('PENDING', 'RETRYING') AND c.next_attempt_at <= :now"
                + " AND NOT " + DeliveryStore.LIVE_LEASE
                // OFFSET 0 keeps this a look-up per candidate by its subject: as a join, the planner could
                // scan all the agency's open deliveries once per candidate.
                + " AND NOT EXISTS (SELECT 1 FROM adapter_delivery o WHERE o.agency = c.agency"
                + "   AND o.subject_ref = c.subject_ref AND o.status IN ('PENDING', 'RETRYING')"
                + "   AND o.sequence < c.sequence OFFSET 0)"
                + " ORDER BY c.next_attempt_at, c.sequence LIMIT :limit),"
                + " leased AS (UPDATE adapter_delivery d SET lease_until = :lease, leased_by = :instance"
                + " FROM due WHERE d.delivery_id = due.delivery_id"
                + " RETURNING d.*, due.previous_holder, due.taken_over),"
                // The heads leased leave the due range until the lease ends (V13): the next claim reads past
                // none of them. Run once, to the end, though nothing below reads it. A head another
                // transaction holds (an operator's retry or replay making an older delivery the head) is
                // passed over, not waited for: a claim then never waits for any lock, so it can be in no
                // deadlock, and such a head is only passed over by the lease check until its lease ends.
                // The heads are found where the read above found them (ctid): a head changed since that read
                // is not written, its new version lying elsewhere and being newer than this statement's
                // snapshot, so every head written still names the delivery leased.
                + " headed AS (UPDATE adapter_head h SET next_attempt_at = :lease, leased_by = :instance"
                + " WHERE h.ctid = ANY(ARRAY(SELECT f.ctid FROM adapter_head f"
                + "   WHERE f.ctid = ANY(ARRAY(SELECT heads.head_at FROM heads"
                + "     WHERE heads.delivery_id = ANY(ARRAY(SELECT delivery_id FROM leased))))"
                + "   FOR UPDATE OF f SKIP LOCKED)))"
                + " SELECT n.head_count, last.last_at, last.last_seq, leased.*, m.message"
                + " FROM (SELECT count(*) AS head_count FROM heads) n"
                + " LEFT JOIN (SELECT next_attempt_at AS last_at, sequence AS last_seq FROM heads"
                + "   ORDER BY next_attempt_at DESC, sequence DESC LIMIT 1) last ON true"
                + " LEFT JOIN leased ON true"
                + " LEFT JOIN adapter_message m ON m.change_id = leased.change_id";
    }
}
