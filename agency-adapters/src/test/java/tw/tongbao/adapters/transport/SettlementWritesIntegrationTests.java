package tw.tongbao.adapters.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import tw.tongbao.adapters.AdaptersProperties;
import tw.tongbao.core.answer.AgencyAnswer;
import tw.tongbao.core.change.ChangeType;
import tw.tongbao.core.delivery.DeliveryStatus;

/**
 * How settlements reach {@code adapter_delivery} (V7): a batch in one statement, still row by row in lock order; a
 * retry of a delivery already retrying without new index entries; and the replay window still found by its index.
 */
class SettlementWritesIntegrationTests {

    private static final String AGENCY = EngineDatabase.AGENCY.code().value();

    @RegisterExtension
    static final EngineDatabase db = EngineDatabase.emptiedBeforeEach("writes");

    @Test
    void aBatchOfStateChangesReachesPostgresAsOneStatement() {
        List<DeliveryStore.StateChange> changes = new ArrayList<>();
        for (AdapterDelivery claimed : claimed(16)) {
            changes.add(new DeliveryStore.StateChange(claimed, claimed.delivered(EngineDatabase.attempt(claimed))));
        }
        AtomicInteger statements = new AtomicInteger();
        DeliveryStore counted = new DeliveryStore(
                new JdbcTemplate(StatementCounter.counting(db.template.getDataSource(), statements)),
                AdaptersProperties.defaults());

        boolean[] written = counted.updateAll(changes, Instant.now());

        assertThat(statements).as("statements sent for 16 state changes").hasValue(1);
        assertThat(written).containsOnly(true).hasSize(16);
        assertThat(db.jdbc
                        .sql("SELECT count(*) FROM adapter_delivery WHERE status = 'DELIVERED' AND revision = 1"
                                + " AND lease_until IS NULL AND first_delivered_at IS NOT NULL")
                        .query(Long.class)
                        .single())
                .isEqualTo(16L);
    }

    @Test
    void rowsAreWrittenOneByOneInLockOrderWhateverTheOrderOfTheChangesAndOnlyAtTheirRevision() {
        // The head-of-line trigger takes each subject's lock as its row is updated; the inbox takes them in lock order
        // too, so any other order could deadlock with it. This trigger records the order the rows are updated in.
        db.jdbc.sql("CREATE TABLE update_order (n bigserial, subject_ref text)").update();
        db.jdbc
                .sql("CREATE FUNCTION record_update_order() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                        + " INSERT INTO update_order (subject_ref) VALUES (NEW.subject_ref); RETURN NULL; END $$")
                .update();
        db.jdbc
                .sql("CREATE TRIGGER record_update_order AFTER UPDATE ON adapter_delivery FOR EACH ROW"
                        + " EXECUTE FUNCTION record_update_order()")
                .update();
        try {
            // Enough rows that one UPDATE ... FROM unnest(...) would be planned as a hash join probed by a sequential
            // scan, and so update in the heap's order (s-4, s-1, s-5, s-2, seen when it was tried).
            for (int i = 0; i < 300; i++) {
                db.arrive("filler-" + i, 1, ChangeType.ADDRESS_CHANGE);
            }
            db.jdbc.sql("ANALYZE adapter_delivery").update();
            List<AdapterDelivery> rows = new ArrayList<>();
            for (String subject : List.of("s-4", "s-1", "s-5", "s-3", "s-2")) {
                rows.add(db.arrive(subject, 1, ChangeType.ADDRESS_CHANGE));
            }
            AdapterDelivery stale = rows.get(3).parked(null, "made from a revision the row has left");
            db.transactions.execute(tx -> db.settlement.record(rows.get(3), stale, null, Instant.now()));
            db.jdbc.sql("TRUNCATE update_order").update();
            List<DeliveryStore.StateChange> changes = rows.stream()
                    .map(d -> new DeliveryStore.StateChange(d, d.parked(null, "by test")))
                    .toList();

            boolean[] written = db.transactions.execute(tx -> db.store.updateAll(changes, Instant.now()));

            assertThat(written).containsExactly(true, true, true, false, true);
            assertThat(db.jdbc
                            .sql("SELECT subject_ref FROM update_order ORDER BY n")
                            .query(String.class)
                            .list())
                    .containsExactly("s-1", "s-2", "s-4", "s-5");
            assertThat(db.jdbc
                            .sql("SELECT reason FROM adapter_delivery WHERE subject_ref = 's-3'")
                            .query(String.class)
                            .single())
                    .isEqualTo("made from a revision the row has left");
        } finally {
            db.jdbc.sql("DROP TRIGGER record_update_order ON adapter_delivery").update();
            db.jdbc.sql("DROP FUNCTION record_update_order()").update();
            db.jdbc.sql("DROP TABLE update_order").update();
        }
    }

    @Test
    void aFailedTryOfADeliveryAlreadyRetryingWritesNoIndexEntry() {
        AdapterDelivery first = claimed(1).get(0);
        AdapterDelivery retrying = db.settlement
                .settleAll(EngineDatabase.AGENCY, List.of(failed(first)))
                .get(0);
        assertThat(retrying.status()).isEqualTo(DeliveryStatus.RETRYING);
        Instant later = retrying.nextAttemptAt().plusSeconds(1);
        AdapterDelivery again = db.claims
                .claim(AGENCY, 1, later, later.plusSeconds(60), UUID.randomUUID())
                .get(0)
                .delivery();

        long[] updates = db.transactions.execute(tx -> {
            // The counters also hold this connection's earlier transactions until they are flushed, never during one.
            long[] before = updateCounts();
            assertThat(db.settlement
                            .settleAll(EngineDatabase.AGENCY, List.of(failed(again)))
                            .get(0)
                            .status())
                    .isEqualTo(DeliveryStatus.RETRYING);
            long[] after = updateCounts();
            return new long[] {after[0] - before[0], after[1] - before[1]};
        });

        // Heap-only: no index holds a column that such a retry changes (next_attempt_at was in one until V7), and the
        // page has room (fillfactor 80).
        assertThat(updates).as("rows updated, of which heap-only").containsExactly(1, 1);
    }

    @Test
    void aReplayChoosesAndCountsTheDeliveriesFirstDeliveredInItsWindowThroughItsIndex() {
        Instant until = Instant.now();
        Instant since = until.minus(Duration.ofHours(1));
        Instant inside = until.minus(Duration.ofMinutes(30));
        Instant before = since.minus(Duration.ofMinutes(30));
        row("delivered", AGENCY, "DELIVERED", inside);
        row("applied", AGENCY, "APPLIED", inside);
        row("at-since", AGENCY, "DELIVERED", since);
        row("at-until", AGENCY, "DELIVERED", until);
        row("earlier", AGENCY, "DELIVERED", before);
        row("replayed-since", AGENCY, "PENDING", inside);
        row("parked-after-delivery", AGENCY, "PARKED", inside);
        row("pending", AGENCY, "PENDING", null);
        row("retrying", AGENCY, "RETRYING", null);
        row("parked", AGENCY, "PARKED", null);
        row("other-agency", "NTA", "DELIVERED", inside);
        UUID command = UUID.randomUUID();

        Map<String, Object> chosen = db.transactions.execute(tx -> {
            // No sequential scan, so that the index is what finds them (generic plan, as the adapters plan).
            db.jdbc.sql("SET LOCAL enable_seqscan = off").update();
            db.jdbc.sql("SET LOCAL plan_cache_mode = force_generic_plan").update();
            return Map.of(
                    "counted", db.operator.deliveredBetween(AGENCY, since, until),
                    "chosen", db.operator.chooseForReplay(command, AGENCY, since, until),
                    "plan",
                            genericPlan("SELECT count(*) FROM adapter_delivery WHERE agency = $1"
                                    + " AND status IN ('DELIVERED', 'APPLIED') AND first_delivered_at >= $2"
                                    + " AND first_delivered_at < $3"));
        });

        assertThat(chosen).containsEntry("counted", 3L).containsEntry("chosen", 3);
        assertThat(chosen.get("plan").toString()).contains("adapter_delivery_replay");
        assertThat(db.jdbc
                        .sql("SELECT d.subject_ref FROM replay_item i JOIN adapter_delivery d USING (delivery_id)"
                                + " WHERE i.command_id = :command ORDER BY i.position")
                        .param("command", command)
                        .query(String.class)
                        .list())
                .containsExactly("applied", "at-since", "delivered");
    }

    /** The plan PostgreSQL makes for {@code sql} without knowing its parameters (an agency, two instants). */
    private static String genericPlan(String sql) {
        db.jdbc
                .sql("PREPARE generic_plan (text, timestamptz, timestamptz) AS " + sql)
                .update();
        try {
            return String.join(
                    "\n",
                    db.jdbc
                            .sql("EXPLAIN EXECUTE generic_plan ('NHIA', now(), now())")
                            .query(String.class)
                            .list());
        } finally {
            db.jdbc.sql("DEALLOCATE generic_plan").update();
        }
    }

    /** Rows of adapter_delivery updated, and of those heap-only, as this connection counts them so far. */
    private static long[] updateCounts() {
        return db.jdbc
                .sql("SELECT pg_stat_get_xact_tuples_updated('adapter_delivery'::regclass),"
                        + " pg_stat_get_xact_tuples_hot_updated('adapter_delivery'::regclass)")
                .query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2)})
                .single();
    }

    private static List<AdapterDelivery> claimed(int count) {
        for (int i = 0; i < count; i++) {
            db.arrive("subject-" + i, 1, ChangeType.ADDRESS_CHANGE);
        }
        Instant now = Instant.now();
        List<AdapterDelivery> claimed =
                db.claims.claim(AGENCY, count, now, now.plusSeconds(120), UUID.randomUUID()).stream()
                        .map(DeliveryClaims.Claim::delivery)
                        .toList();
        assertThat(claimed).hasSize(count);
        return claimed;
    }

    private static DeliverySettlement.Finished failed(AdapterDelivery claimed) {
        return new DeliverySettlement.Finished(
                claimed, new AttemptResult(AgencyAnswer.TRANSIENT_FAILURE, Instant.now(), 12, 503, null, null, null));
    }

    private static void row(String subject, String agency, String status, Instant firstDelivered) {
        db.jdbc
                .sql("INSERT INTO adapter_delivery (delivery_id, agency, subject_ref, sequence, change_type, receipt,"
                        + " change_id, status, attempts, revision, next_attempt_at, first_delivered_at, received_at,"
                        + " updated_at) VALUES (gen_random_uuid(), :agency, :subject, 1, 'ADDRESS_CHANGE', 'R',"
                        + " gen_random_uuid(), :status, 1, 1, now(), :firstDelivered, now(), now())")
                .param("agency", agency)
                .param("subject", subject)
                .param("status", status)
                .param(
                        "firstDelivered",
                        firstDelivered == null ? null : Timestamp.from(firstDelivered),
                        java.sql.Types.TIMESTAMP)
                .update();
    }
}
