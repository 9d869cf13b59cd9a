package tw.tongbao.adapters.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionCallback;
import org.springframework.transaction.support.TransactionTemplate;
import tw.tongbao.adapters.control.OperatorCommands;
import tw.tongbao.core.agency.AgencyRegistry;
import tw.tongbao.core.answer.AgencyAnswer;
import tw.tongbao.core.control.ReplayCommand;

/**
 * State changes that touch every open or replayable delivery of an agency, at the scale an agency outage leaves
 * behind: tens of thousands of subjects, each of whose changes takes its own head-of-line lock (V3 trigger), more than
 * PostgreSQL's lock table holds in one transaction.
 */
class BulkStateChangesIntegrationTests {

    static final String AGENCY = EngineDatabase.AGENCY.code().value();

    /** More subjects than one transaction can lock with the default max_locks_per_transaction (64). */
    static final int SUBJECTS = 30_000;

    @RegisterExtension
    static final EngineDatabase db = EngineDatabase.emptiedBeforeEach("bulk");

    @BeforeEach
    void empty() {
        // The control's own state lives in memory here (EngineDatabase), not in agency_state.
        db.control.enable(AGENCY);
    }

    @Test
    void a410ParksTensOfThousandsOfOpenDeliveriesEachWithItsOwnReportDisablesTheAgencyAndAlertsOnce() {
        seed(db, SUBJECTS, "PENDING", null);
        AdapterDelivery claimed = claimOne(db);

        AdapterDelivery after = db.settlement.settle(EngineDatabase.AGENCY, claimed, gone());

        assertThat(after.status().name()).isEqualTo("PARKED");
        assertThat(db.control.state(AGENCY).disabled()).isTrue();
        assertAllParkedOnceAndReported(db, SUBJECTS);
        assertThat(alerts(db))
                .singleElement()
                .satisfies(alert -> assertThat(alert)
                        .contains("\"DISABLED\"")
                        .contains(claimed.deliveryId().toString()));
    }

    @Test
    void replayOfTensOfThousandsOfDeliveriesMakesEachPendingAgainWithItsOwnReport() {
        Instant firstDelivered = Instant.now().minusSeconds(3600);
        seed(db, SUBJECTS, "DELIVERED", firstDelivered);
        ReplayCommand replay = replayAround(firstDelivered);

        Optional<String> outcome = commands(db.transactions).apply(replay);

        assertThat(outcome).hasValueSatisfying(text -> assertThat(text).startsWith("replayed " + SUBJECTS + " "));
        assertAllReplayedOnce(db, SUBJECTS);
        assertThat(db.jdbc
                        .sql("SELECT outcome FROM applied_command WHERE command_id = :id")
                        .param("id", replay.commandId())
                        .query(String.class)
                        .single())
                .isEqualTo(outcome.orElseThrow());
    }

    @Test
    void a410CutShortBetweenChunksHasDisabledTheAgencyAndAlertedAndWhatItLeftOpenIsParkedByTheNextSweep() {
        seed(db, 3_000, "PENDING", null);
        AdapterDelivery claimed = claimOne(db);
        // The 410's own transaction and two chunks commit; then the database is gone.
        DeliverySettlement dying = new DeliverySettlement(
                db.store, db.reports, db.control, answers(), transactionsFailingAfter(3), Clock.systemUTC());

        assertThat(dying.settle(EngineDatabase.AGENCY, claimed, gone()).status().name())
                .isEqualTo("PARKED");

        assertThat(db.control.state(AGENCY).disabled()).isTrue();
        assertThat(alerts(db)).hasSize(1);
        assertThat(statuses(db))
                .containsExactly(
                        Map.entry("PARKED: " + AnswerPolicy.AGENCY_DISABLED, 1L + 2 * DeliverySettlement.PARKING_CHUNK),
                        Map.entry("PENDING", 3_000L - 1 - 2 * DeliverySettlement.PARKING_CHUNK));
        // What the disabled agency's dispatcher does on every poll, after a restart too.
        assertThat(db.settlement.parkOpenOfDisabledAgency(AGENCY))
                .isEqualTo(3_000 - 1 - 2 * DeliverySettlement.PARKING_CHUNK);

        assertAllParkedOnceAndReported(db, 3_000);
        assertThat(alerts(db)).hasSize(1);
        assertThat(db.settlement.parkOpenOfDisabledAgency(AGENCY)).isZero();
    }

    @Test
    void aReplayCutShortBetweenChunksIsFinishedWhenItsCommandComesAgainReplayingEachDeliveryOnce() {
        Instant firstDelivered = Instant.now().minusSeconds(3600);
        seed(db, 3_000, "DELIVERED", firstDelivered);
        ReplayCommand replay = replayAround(firstDelivered);

        // The command's own transaction and two chunks commit; then the database is gone.
        assertThatThrownBy(() -> commands(transactionsFailingAfter(3)).apply(replay))
                .isInstanceOf(TransactionException.class);
        assertThat(statuses(db))
                .containsExactly(
                        Map.entry("DELIVERED", 3_000L - 1_000),
                        Map.entry("PENDING: replayed by operator op-9: agency lost data", 1_000L));

        // The control queue delivers the unacknowledged command again.
        assertThat(commands(db.transactions).apply(replay))
                .hasValue("finished a replay cut short: replayed 2000 more deliveries");

        assertAllReplayedOnce(db, 3_000);
        assertThat(commands(db.transactions).apply(replay)).isEmpty();
        assertThat(db.jdbc
                        .sql("SELECT count(*) FROM replay_item")
                        .query(Long.class)
                        .single())
                .isZero();
        assertThat(db.jdbc
                        .sql("SELECT outcome FROM applied_command WHERE command_id = :id")
                        .param("id", replay.commandId())
                        .query(String.class)
                        .list())
                .singleElement()
                .satisfies(outcome -> assertThat(outcome).startsWith("replayed 3000 "));
    }

    @Test
    void a410ParkingWhileOtherTriesOfTheAgencySettleEndsWithEveryDeliveryClosedAndReportedOnceWithoutDeadlock()
            throws Exception {
        seed(db, 3_000, "PENDING", null);
        Instant now = Instant.now();
        List<AdapterDelivery> claimed = new java.util.ArrayList<>();
        db.claims
                .claim(AGENCY, 400, now, now.plusSeconds(120), UUID.randomUUID())
                .forEach(c -> claimed.add(c.delivery()));
        assertThat(claimed).hasSize(400);
        java.util.Collections.shuffle(claimed);
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.util.concurrent.Future<?> gone =
                    threads.submit(() -> db.settlement.settle(EngineDatabase.AGENCY, claimed.get(0), gone()));
            java.util.concurrent.Future<?> others = threads.submit(() -> {
                // Batches of other tries settle as the 410's parking goes on, in random subject order.
                for (int from = 1; from < claimed.size(); from += 16) {
                    db.settlement.settleAll(
                            EngineDatabase.AGENCY,
                            claimed.subList(from, Math.min(claimed.size(), from + 16)).stream()
                                    .map(d -> new DeliverySettlement.Finished(d, delivered()))
                                    .toList());
                }
            });
            gone.get(60, java.util.concurrent.TimeUnit.SECONDS);
            others.get(60, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            threads.shutdownNow();
        }

        assertThat(statuses(db)).allSatisfy(state -> assertThat(state.getKey()).matches("PARKED: .*|DELIVERED"));
        assertThat(db.jdbc
                        .sql("SELECT count(*) FROM report_outbox WHERE kind = 'DELIVERY_REPORTED'")
                        .query(Long.class)
                        .single())
                .as("one report per delivery: each was parked or delivered, never both")
                .isEqualTo(3_000L);
        assertThat(heads(db)).isZero();
    }

    @Test
    void noInstanceClaimsForAnAgencyStoredAsDisabledWhateverItsCachedStateSays() {
        seed(db, 10, "PENDING", null);
        db.jdbc
                .sql("INSERT INTO agency_state (agency, paused, disabled, reason, updated_at)"
                        + " VALUES (:agency, false, true, :reason, now())")
                .param("agency", AGENCY)
                .param("reason", AnswerPolicy.AGENCY_DISABLED)
                .update();
        Instant now = Instant.now();

        assertThat(db.claims.claim(AGENCY, 16, now, now.plusSeconds(60), UUID.randomUUID()))
                .isEmpty();

        db.jdbc.sql("DELETE FROM agency_state").update();
        assertThat(db.claims.claim(AGENCY, 16, now, now.plusSeconds(60), UUID.randomUUID()))
                .hasSize(10);
    }

    /** Transactions as {@code db}'s, except that every one after the first {@code count} fails to begin. */
    static TransactionTemplate transactionsFailingAfter(int count) {
        java.util.concurrent.atomic.AtomicInteger begun = new java.util.concurrent.atomic.AtomicInteger();
        return new TransactionTemplate(db.transactions.getTransactionManager()) {
            @Override
            public <T> T execute(TransactionCallback<T> action) {
                if (begun.incrementAndGet() > count) {
                    throw new CannotCreateTransactionException("the database went away");
                }
                return super.execute(action);
            }
        };
    }

    static AnswerPolicy answers() {
        return new AnswerPolicy(new RetryPolicy(0.2, Duration.ofHours(1), RandomGenerator.getDefault()));
    }

    static AttemptResult delivered() {
        return new AttemptResult(AgencyAnswer.DELIVERED, Instant.now(), 12, 200, null, null, null);
    }

    static OperatorCommands commands(TransactionTemplate transactions) {
        return new OperatorCommands(
                db.operator,
                db.settlement,
                db.control,
                new AgencyRegistry(List.of(EngineDatabase.AGENCY, EngineDatabase.OTHER_AGENCY)),
                db.jdbc,
                transactions,
                Clock.systemUTC());
    }

    /**
     * Stores {@code count} deliveries of distinct subjects in {@code status} through the real head-of-line trigger, a
     * few thousand per statement (one statement for all would itself take too many locks).
     */
    static void seed(EngineDatabase db, int count, String status, Instant firstDelivered) {
        boolean delivered = firstDelivered != null;
        for (int from = 1; from <= count; from += 2_000) {
            db.jdbc
                    .sql(
                            "INSERT INTO adapter_delivery (delivery_id, agency, subject_ref, sequence, change_type, receipt,"
                                    + " change_id, status, attempts, revision, next_attempt_at, first_delivered_at,"
                                    + " received_at, updated_at) SELECT gen_random_uuid(), :agency, 'bulk-' || n, n,"
                                    + " 'ADDRESS_CHANGE', 'R-bulk-' || n, gen_random_uuid(), :status, :attempts, :revision,"
                                    + " now() - interval '1 second', :firstDelivered, now(), now()"
                                    + " FROM generate_series(:from, :to) AS n")
                    .param("agency", AGENCY)
                    .param("status", status)
                    .param("attempts", delivered ? 1 : 0)
                    .param("revision", delivered ? 1 : 0)
                    .param(
                            "firstDelivered",
                            delivered ? Timestamp.from(firstDelivered) : null,
                            java.sql.Types.TIMESTAMP)
                    .param("from", from)
                    .param("to", Math.min(count, from + 1_999))
                    .update();
        }
    }

    static AdapterDelivery claimOne(EngineDatabase db) {
        Instant now = Instant.now();
        return db.claims
                .claim(AGENCY, 1, now, now.plusSeconds(120), UUID.randomUUID())
                .get(0)
                .delivery();
    }

    static AttemptResult gone() {
        return new AttemptResult(AgencyAnswer.AGENCY_DISABLED, Instant.now(), 12, 410, null, null, null);
    }

    /** Every delivery of the agency parked by the 410, with exactly one report saying so, and no head left. */
    static void assertAllParkedOnceAndReported(EngineDatabase db, int count) {
        assertThat(statuses(db)).containsExactly(Map.entry("PARKED: " + AnswerPolicy.AGENCY_DISABLED, (long) count));
        assertThat(reportsPerDelivery(db, "PARKED")).containsExactly(Map.entry(1L, (long) count));
        assertThat(heads(db)).isZero();
    }

    /** Every delivery of the agency pending again, one revision on, with exactly one report saying so. */
    static void assertAllReplayedOnce(EngineDatabase db, int count) {
        assertThat(db.jdbc
                        .sql("SELECT status || ' @' || revision || ': ' || reason AS state, count(*)"
                                + " FROM adapter_delivery WHERE agency = :agency GROUP BY 1")
                        .param("agency", AGENCY)
                        .query((rs, n) -> Map.entry(rs.getString(1), rs.getLong(2)))
                        .list())
                .containsExactly(Map.entry("PENDING @2: replayed by operator op-9: agency lost data", (long) count));
        assertThat(reportsPerDelivery(db, "PENDING")).containsExactly(Map.entry(1L, (long) count));
        assertThat(heads(db)).isEqualTo(count);
    }

    /** How many of the agency's deliveries are in each status, with its reason. */
    static List<Map.Entry<String, Long>> statuses(EngineDatabase db) {
        return db.jdbc
                .sql("SELECT status || coalesce(': ' || reason, '') AS state, count(*) FROM adapter_delivery"
                        + " WHERE agency = :agency GROUP BY 1 ORDER BY 1")
                .param("agency", AGENCY)
                .query((rs, n) -> Map.entry(rs.getString(1), rs.getLong(2)))
                .list();
    }

    /**
     * How many deliveries of the agency have how many reports, where every report must say {@code status}: one entry
     * (1, all of them) when each got exactly its own.
     */
    static List<Map.Entry<Long, Long>> reportsPerDelivery(EngineDatabase db, String status) {
        return db.jdbc
                .sql("SELECT coalesce(r.reports, 0) AS reports, count(*) FROM adapter_delivery d LEFT JOIN"
                        + " (SELECT delivery_id, count(*) AS reports FROM report_outbox WHERE kind = 'DELIVERY_REPORTED'"
                        + " AND CAST(body AS jsonb) ->> 'status' = :status GROUP BY delivery_id) r"
                        + " ON r.delivery_id = d.delivery_id WHERE d.agency = :agency GROUP BY 1 ORDER BY 1")
                .param("status", status)
                .param("agency", AGENCY)
                .query((rs, n) -> Map.entry(rs.getLong(1), rs.getLong(2)))
                .list();
    }

    static long heads(EngineDatabase db) {
        return db.jdbc
                .sql("SELECT count(*) FROM adapter_head WHERE agency = :agency")
                .param("agency", AGENCY)
                .query(Long.class)
                .single();
    }

    static List<String> alerts(EngineDatabase db) {
        return db.jdbc
                .sql("SELECT body FROM report_outbox WHERE kind = 'AGENCY_ALERT' ORDER BY id")
                .query(String.class)
                .list();
    }

    /** An operator's replay of what was first delivered within a minute of {@code firstDelivered}. */
    private static ReplayCommand replayAround(Instant firstDelivered) {
        return new ReplayCommand(
                AGENCY,
                firstDelivered.minusSeconds(60),
                firstDelivered.plusSeconds(60),
                "op-9",
                "agency lost data",
                UUID.randomUUID());
    }
}
