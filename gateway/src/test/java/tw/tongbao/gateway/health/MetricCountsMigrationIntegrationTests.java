package tw.tongbao.gateway.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import tw.tongbao.gateway.MetricCounts;
import tw.tongbao.gateway.PooledDatabase;

/**
 * V10 counts the changes and deliveries already filed once, and from then on every row written after them; V11 counts
 * the deliveries again by agency and status, each once, those written while it runs included. Each test has a database
 * of its own.
 */
class MetricCountsMigrationIntegrationTests {

    private PooledDatabase database;
    private JdbcTemplate jdbc;

    @BeforeEach
    void create() {
        database = PooledDatabase.create("counts", 4);
        jdbc = database.jdbc();
    }

    @AfterEach
    void drop() {
        database.close();
    }

    @Test
    void countsTheRowsFiledBeforeItAndEveryRowAfter() {
        database.migrate("9");
        file(30, "DELIVERED");

        database.migrate(null);

        assertThat(jdbc.queryForObject("select count(*) from metric_count_delta", Long.class))
                .isZero();
        assertThat(MetricCounts.assertExact(jdbc))
                .containsEntry("change.type:ADDRESS_CHANGE", 10L)
                .containsEntry("change.type:NAME_CHANGE", 20L)
                .containsEntry("delivery.agency_status:NTA DELIVERED", 30L)
                .containsEntry("delivery.agency_status:NHIA DELIVERED", 30L);

        file(3, "PENDING");
        jdbc.update("update delivery set status = 'APPLIED' where agency = 'NTA'");

        assertThat(MetricCounts.assertExact(jdbc))
                .containsEntry("change.type:NAME_CHANGE", 22L)
                .containsEntry("delivery.agency_status:NTA APPLIED", 33L)
                .containsEntry("delivery.agency_status:NHIA DELIVERED", 30L)
                .containsEntry("delivery.agency_status:NHIA PENDING", 3L);
    }

    @Test
    void countsTheDeliveriesCountedByStatusAgainByAgencyInTheirPlace() {
        database.migrate("10");
        file(30, "DELIVERED");
        new MetricsUpkeep(jdbc, new DataSourceTransactionManager(database.dataSource()), new MetricsProperties(null))
                .foldCounts();
        file(6, "PENDING");
        jdbc.update("update delivery set status = 'PARKED' where agency = 'NHIA' and status = 'PENDING'");
        assertThat(jdbc.queryForObject(
                        "select count(*) from metric_count_delta where series = 'delivery.status'", Long.class))
                .as("deltas of the count by status not folded yet")
                .isPositive();

        database.migrate(null);

        assertThat(jdbc.queryForObject(
                        "select count(*) from (select series from metric_count union all"
                                + " select series from metric_count_delta) as kept where series = 'delivery.status'",
                        Long.class))
                .isZero();
        assertThat(MetricCounts.assertExact(jdbc))
                .containsEntry("delivery.agency_status:NTA DELIVERED", 30L)
                .containsEntry("delivery.agency_status:NTA PENDING", 6L)
                .containsEntry("delivery.agency_status:NHIA DELIVERED", 30L)
                .containsEntry("delivery.agency_status:NHIA PARKED", 6L);

        jdbc.update("delete from delivery where status = 'PARKED'");
        file(3, "RETRYING");

        assertThat(MetricCounts.assertExact(jdbc))
                .doesNotContainKey("delivery.agency_status:NHIA PARKED")
                .containsEntry("delivery.agency_status:NTA RETRYING", 3L)
                .containsEntry("delivery.agency_status:NHIA RETRYING", 3L);
    }

    @Test
    void countsADeliveryWrittenWhileItRunsOnceUnderTheOldTriggersOrTheNew() throws Exception {
        database.migrate("10");
        file(30, "DELIVERED");
        CompletableFuture<Void> migration;
        CompletableFuture<Integer> later;
        try (Connection inFlight = database.connect()) {
            inFlight.setAutoCommit(false);
            try (Statement statement = inFlight.createStatement()) {
                statement.executeUpdate("update delivery set status = 'APPLIED' where agency = 'NTA'");
            }
            migration = CompletableFuture.runAsync(() -> database.migrate(null));
            awaitWaitingForLocks(1);
            later = CompletableFuture.supplyAsync(
                    () -> jdbc.update("update delivery set status = 'REJECTED' where agency = 'NHIA'"));
            awaitWaitingForLocks(2);
            inFlight.commit();
        }
        migration.get(30, TimeUnit.SECONDS);
        later.get(30, TimeUnit.SECONDS);

        assertThat(MetricCounts.assertExact(jdbc))
                .containsEntry("delivery.agency_status:NTA APPLIED", 30L)
                .containsEntry("delivery.agency_status:NHIA REJECTED", 30L)
                .doesNotContainKeys("delivery.agency_status:NTA DELIVERED", "delivery.agency_status:NHIA DELIVERED");
    }

    private void awaitWaitingForLocks(int sessions) {
        await().atMost(Duration.ofSeconds(10)).until(database::sessionsWaitingForLocks, waiting -> waiting == sessions);
    }

    /** {@code count} more changes, every third an address change, each with an NTA and an NHIA delivery. */
    private void file(int count, String status) {
        long filed = jdbc.queryForObject("select count(*) from change", Long.class);
        jdbc.update(
                "insert into change (id, receipt, type, subject_id, filer_id, sequence, effective_date,"
                        + " submitted_at, data, idempotency_key, request_hash, response)"
                        + " select gen_random_uuid(), 'TB-M' || s,"
                        + " case when s % 3 = 0 then 'ADDRESS_CHANGE' else 'NAME_CHANGE' end,"
                        + " 'A123456789', 'A123456789', s, current_date, now(), '{}', 'key-' || s, repeat('0', 64), '{}'"
                        + " from generate_series(? + 1, ? + ?) s",
                filed, filed, count);
        jdbc.update(
                "insert into delivery (id, change_id, agency, status, updated_at)"
                        + " select gen_random_uuid(), c.id, a.agency, ?, now()"
                        + " from change c, (values ('NTA'), ('NHIA')) a (agency)"
                        + " where not exists (select 1 from delivery d where d.change_id = c.id)",
                status);
    }
}
