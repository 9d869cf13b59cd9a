package tw.tongbao.adapters.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The head-of-line table (V3) as its trigger keeps it (V6: by the change at hand, not by a look-up per row): after
 * any change to the deliveries, alone or concurrent, it names each subject's lowest open delivery with the time it may
 * be claimed (its due time, or its lease's end if later, V13) and its lease's holder,
 * and it looks up the subject's deliveries only when the head itself closes.
 */
class HeadOfLineUpkeepIntegrationTests {

    /** Each subject's head as the trigger keeps it, and as recomputed from the deliveries, in one snapshot. */
    private static final String HEADS = "SELECT (SELECT coalesce(string_agg(agency || '/' || subject_ref || ' '"
            + " || sequence || ' ' || delivery_id || ' ' || next_attempt_at || ' ' || coalesce(leased_by::text, '-'),"
            + " E'\\n' ORDER BY agency, subject_ref), '') FROM adapter_head) AS kept,"
            + " (SELECT coalesce(string_agg(agency || '/' || subject_ref || ' ' || sequence || ' ' || delivery_id || ' '"
            + " || GREATEST(next_attempt_at, lease_until) || ' ' || coalesce(leased_by::text, '-'),"
            + " E'\\n' ORDER BY agency, subject_ref), '')"
            + " FROM (SELECT DISTINCT ON (agency, subject_ref) * FROM adapter_delivery"
            + " WHERE status IN ('PENDING', 'RETRYING') ORDER BY agency, subject_ref, sequence) o) AS recomputed";

    /** Look-ups of adapter_delivery other than by primary key made so far in the current transaction. */
    private static final String LOOK_UPS = "SELECT pg_stat_get_xact_numscans('adapter_delivery'::regclass)"
            + " + (SELECT coalesce(sum(pg_stat_get_xact_numscans(indexrelid)), 0) FROM pg_index"
            + " WHERE indrelid = 'adapter_delivery'::regclass AND NOT indisprimary)";

    @RegisterExtension
    static final EngineDatabase db = EngineDatabase.emptiedBeforeEach("head");

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void theHeadIsEachSubjectsLowestOpenDeliveryAfterEveryChange(long seed) {
        HeadOfLineWorkload workload = new HeadOfLineWorkload(db.jdbc, db.transactions, seed, 0, 1);
        List<String> steps = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            steps.add(workload.step());
            Heads heads = heads();
            assertThat(heads.kept())
                    .as("seed %d after step %d, the last steps being:%n%s", seed, i, last(steps))
                    .isEqualTo(heads.recomputed());
        }
        assertThat(heads().kept())
                .as("some subjects still have open deliveries")
                .isNotEmpty();
    }

    @Test
    void concurrentChangesOfTheSameSubjectsLeaveTheHeadRightInEveryCommittedState() throws Exception {
        int workers = 3;
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        AtomicBoolean stop = new AtomicBoolean();
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                HeadOfLineWorkload workload = new HeadOfLineWorkload(db.jdbc, db.transactions, 100 + w, w, workers);
                running.add(pool.submit(() -> {
                    for (int i = 0; i < 300 && !stop.get(); i++) {
                        workload.step();
                    }
                }));
            }
            int checks = 0;
            while (!running.stream().allMatch(Future::isDone)) {
                Heads heads = heads();
                assertThat(heads.kept())
                        .as("check %d, while workloads run", checks++)
                        .isEqualTo(heads.recomputed());
            }
            for (Future<?> workload : running) {
                workload.get();
            }
            Heads heads = heads();
            assertThat(heads.kept()).isEqualTo(heads.recomputed()).isNotEmpty();
        } finally {
            // A failed check must not leave workloads writing into the next test's tables.
            stop.set(true);
            pool.shutdown();
            assertThat(pool.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
        }
    }

    @Test
    void looksUpTheSubjectsDeliveriesOnlyWhenItsHeadCloses() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        db.transactions.executeWithoutResult(status -> {
            UUID first = UUID.randomUUID();
            UUID second = UUID.randomUUID();
            assertThat(lookUps(() -> arrive(first, 1, "PENDING", now)))
                    .as("the subject's first arrival")
                    .isZero();
            assertThat(lookUps(() -> arrive(second, 2, "PENDING", now.plusSeconds(5))))
                    .as("an arrival behind the head")
                    .isZero();
            assertThat(lookUps(() -> arrive(UUID.randomUUID(), 3, "SUPERSEDED", now)))
                    .as("an arrival already closed")
                    .isZero();
            assertThat(lookUps(() -> change(second, "RETRYING", now.plusSeconds(60))))
                    .as("a due-time move behind the head")
                    .isZero();
            assertThat(lookUps(() -> change(first, "RETRYING", now.plusSeconds(30))))
                    .as("a due-time move of the head")
                    .isZero();
            assertThat(heads().kept()).contains(" 1 " + first + " ");
            UUID earlier = UUID.randomUUID();
            assertThat(lookUps(() -> arrive(earlier, 0, "PENDING", now)))
                    .as("an arrival before the head")
                    .isZero();
            assertThat(lookUps(() -> change(second, "PARKED", now.plusSeconds(60))))
                    .as("closing a delivery behind the head")
                    .isZero();
            assertThat(lookUps(() -> change(earlier, "DELIVERED", now)))
                    .as("closing the head: one look-up of the next open delivery")
                    .isEqualTo(1);
            assertThat(lookUps(() -> change(earlier, "APPLIED", now)))
                    .as("a closed delivery's further status")
                    .isZero();
            Heads heads = heads();
            assertThat(heads.kept()).isEqualTo(heads.recomputed()).contains(" 1 " + first + " ");
        });
    }

    private static Heads heads() {
        return db.jdbc
                .sql(HEADS)
                .query((rs, n) -> new Heads(rs.getString("kept"), rs.getString("recomputed")))
                .single();
    }

    private static long lookUps(Runnable change) {
        long before = db.jdbc.sql(LOOK_UPS).query(Long.class).single();
        change.run();
        return db.jdbc.sql(LOOK_UPS).query(Long.class).single() - before;
    }

    private static void arrive(UUID id, long sequence, String status, Instant at) {
        db.jdbc
                .sql("INSERT INTO adapter_delivery (delivery_id, agency, subject_ref, sequence, change_type, receipt,"
                        + " change_id, status, next_attempt_at, received_at, updated_at) VALUES (:id, 'NHIA', 'erin',"
                        + " :sequence, 'ADDRESS_CHANGE', 'R', :id, :status, :at, now(), now())")
                .param("id", id)
                .param("sequence", sequence)
                .param("status", status)
                .param("at", Timestamp.from(at))
                .update();
    }

    private static void change(UUID id, String status, Instant at) {
        db.jdbc
                .sql("UPDATE adapter_delivery SET status = :status, next_attempt_at = :at WHERE delivery_id = :id")
                .param("id", id)
                .param("status", status)
                .param("at", Timestamp.from(at))
                .update();
    }

    private static String last(List<String> steps) {
        return String.join("\n", steps.subList(Math.max(0, steps.size() - 8), steps.size()));
    }

    private record Heads(String kept, String recomputed) {}
}
