package tw.tongbao.adapters.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The health snapshot's backlog: exact while an agency's open deliveries are few, estimated once they are many, and
 * never reading more of them than the exact part needs.
 */
class DeliveryBacklogIntegrationTests {

    @RegisterExtension
    static final EngineDatabase db = EngineDatabase.emptiedBeforeEach("backlog");

    @BeforeAll
    static void withoutHeadOfLineUpkeep() {
        // The backlog does not read the head-of-line table; its per-row upkeep would only slow the bulk inserts.
        db.jdbc
                .sql("ALTER TABLE adapter_delivery DISABLE TRIGGER adapter_head_on_insert")
                .update();
    }

    @Test
    void countsOpenDeliveriesExactlyUpToTheLimitAndEstimatesThemAbove() {
        db.rows("NHIA", "PENDING", 300);
        db.rows("NHIA", "RETRYING", 20);
        db.rows("NHIA", "DELIVERED", 500);
        db.rows("NTA", "PENDING", DeliveryBacklog.EXACT_UP_TO);
        db.rows("MVDIS", "PENDING", 5_000);
        db.rows("MVDIS", "RETRYING", 1_000);
        db.rows("MVDIS", "DELIVERED", 20_000);
        db.rows("TPC", "PARKED", 40);
        db.jdbc.sql("ANALYZE adapter_delivery").update();

        Map<String, Long> backlog = new DeliveryBacklog(db.jdbc).of(List.of("NHIA", "NTA", "MVDIS", "TPC"));

        assertThat(backlog)
                .containsEntry("NHIA", 320L)
                .containsEntry("NTA", 1_000L)
                .containsEntry("TPC", 0L);
        assertThat(backlog.get("MVDIS")).isGreaterThan(1_000L).isCloseTo(6_000L, within(1_200L));
    }

    @Test
    void readsNoMoreOpenRowsThanTheExactLimitHoweverManySettledRowsComeFirst() {
        // As in a running system, the open deliveries are the newest rows: every settled one comes before them.
        db.rows("MOI", "DELIVERED", 30_000);
        db.rows("MOI", "PENDING", 3_000);
        db.jdbc.sql("ANALYZE adapter_delivery").update();
        long[] rowsRead = {0};

        Map<String, Long> backlog = db.transactions.execute(tx -> {
            // The pool's setting (application.yml); counts of this connection's transaction, read before and after.
            db.jdbc.sql("SET LOCAL plan_cache_mode = force_generic_plan").update();
            long before = rowsReadByThisTransaction();
            Map<String, Long> open = new DeliveryBacklog(db.jdbc).of(List.of("MOI"));
            rowsRead[0] = rowsReadByThisTransaction() - before;
            return open;
        });

        assertThat(rowsRead[0]).isLessThanOrEqualTo(DeliveryBacklog.EXACT_UP_TO + 1);
        assertThat(backlog.get("MOI")).isGreaterThan(1_000L).isCloseTo(3_000L, within(600L));
    }

    /** Rows of adapter_delivery read by sequential scans and fetched by index scans in the current transaction. */
    private static long rowsReadByThisTransaction() {
        return db.jdbc
                .sql("SELECT seq_tup_read + idx_tup_fetch FROM pg_stat_xact_user_tables"
                        + " WHERE relname = 'adapter_delivery'")
                .query(Long.class)
                .single();
    }
}
