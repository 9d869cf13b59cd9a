package tw.tongbao.gateway.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import tw.tongbao.core.delivery.DeliveryStatus;
import tw.tongbao.gateway.PooledDatabase;

/**
 * V13: a filing no longer writes its deliveries' first timeline step; the view {@code delivery_timeline} adds it, and
 * only to deliveries whose filing did not write it, so timelines written before the migration (or by a gateway of the
 * previous version during a rolling deploy) read as they did, with no step twice.
 */
class FilingStepMigrationIntegrationTests {

    @Test
    void timelinesReadTheSameWhetherTheFilingWroteItsStepOrNot() {
        try (PooledDatabase database = PooledDatabase.create("timeline_v13", 2).migrate("12")) {
            JdbcTemplate jdbc = database.jdbc();
            Deliveries deliveries = new Deliveries(jdbc);
            // Filed by the previous version: it wrote the filing's step.
            UUID before = deliveries.stored(DeliveryStatus.DELIVERED, 1, 1);
            step(jdbc, before, "PENDING", 0);
            step(jdbc, before, "DELIVERED", 1);

            database.migrate(null);

            // Filed by this version: no step written; delivered (r2), then its retry (r1) recorded late.
            UUID after = deliveries.stored(DeliveryStatus.DELIVERED, 2, 2);
            step(jdbc, after, "DELIVERED", 2);
            step(jdbc, after, "RETRYING", 1);
            // Filed by the previous version during a rolling deploy, after the migration.
            UUID during = deliveries.stored(DeliveryStatus.PENDING, 0, 0);
            step(jdbc, during, "PENDING", 0);

            assertThat(timeline(jdbc, before)).containsExactly("PENDING r0", "DELIVERED r1");
            assertThat(timeline(jdbc, after)).containsExactly("PENDING r0", "RETRYING r1", "DELIVERED r2");
            assertThat(timeline(jdbc, during)).containsExactly("PENDING r0");
            for (UUID delivery : List.of(before, after, during)) {
                assertThat(jdbc.queryForObject(
                                "select t.at = c.submitted_at from delivery_timeline t"
                                        + " join delivery d on d.id = t.delivery_id join change c on c.id = d.change_id"
                                        + " where t.delivery_id = ? and t.revision = 0",
                                Boolean.class,
                                delivery))
                        .as("the filing's step is when the change was submitted")
                        .isTrue();
            }
        }
    }

    /** A step written as the gateway writes them, at the change's submission time for the filing's own. */
    private static void step(JdbcTemplate jdbc, UUID delivery, String status, long revision) {
        jdbc.update(
                "insert into delivery_event (delivery_id, status, at, revision)"
                        + " select d.id, ?, case when ? = 0 then c.submitted_at else ? end, ?"
                        + " from delivery d join change c on c.id = d.change_id where d.id = ?",
                status,
                revision,
                OffsetDateTime.now(),
                revision,
                delivery);
    }

    private static List<String> timeline(JdbcTemplate jdbc, UUID delivery) {
        return jdbc.queryForList(
                "select status || ' r' || revision from delivery_timeline where delivery_id = ? order by revision, id",
                String.class,
                delivery);
    }
}
