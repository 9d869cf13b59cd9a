package tw.tongbao.adapters.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The health snapshot's backlog: exact while an agency's open deliveries are few, estimated once they are many. */
class DeliveryBacklogIntegrationTests {

    private static EngineDatabase db;

    @BeforeAll
    static void migrate() {
        db = EngineDatabase.create("backlog");
        // The backlog does not read the head-of-line table; its per-row upkeep would only slow the bulk inserts.
        db.jdbc
                .sql("ALTER TABLE adapter_delivery DISABLE TRIGGER adapter_head_on_insert")
                .update();
    }

    @AfterAll
    static void drop() {
        db.close();
    }

    @Test
    void countsOpenDeliveriesExactlyUpToTheLimitAndEstimatesThemAbove() {
        rows("NHIA", "PENDING", 300);
        rows("NHIA", "RETRYING", 20);
        rows("NHIA", "DELIVERED", 500);
        rows("NTA", "PENDING", DeliveryBacklog.EXACT_UP_TO);
        rows("MVDIS", "PENDING", 5_000);
        rows("MVDIS", "RETRYING", 1_000);
        rows("MVDIS", "DELIVERED", 20_000);
        rows("TPC", "PARKED", 40);
        db.jdbc.sql("ANALYZE adapter_delivery").update();

        Map<String, Long> backlog = new DeliveryBacklog(db.jdbc).of(List.of("NHIA", "NTA", "MVDIS", "TPC"));

        assertThat(backlog)
                .containsEntry("NHIA", 320L)
                .containsEntry("NTA", 1_000L)
                .containsEntry("TPC", 0L);
        assertThat(backlog.get("MVDIS")).isGreaterThan(1_000L).isCloseTo(6_000L, within(1_200L));
    }

    private static void rows(String agency, String status, int count) {
        db.jdbc
                .sql("INSERT INTO adapter_delivery (delivery_id, agency, subject_ref, sequence, change_type, receipt,"
                        + " change_id, status, next_attempt_at, received_at, updated_at)"
                        + " SELECT gen_random_uuid(), :agency, :status || '-' || s, 1, 'ADDRESS_CHANGE', 'R' || s,"
                        + " gen_random_uuid(), :status, now(), now(), now() FROM generate_series(1, :count) s")
                .param("agency", agency)
                .param("status", status)
                .param("count", count)
                .update();
    }
}
