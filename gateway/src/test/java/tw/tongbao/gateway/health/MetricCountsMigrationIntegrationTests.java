package tw.tongbao.gateway.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import tw.tongbao.core.testing.TestDatabase;
import tw.tongbao.gateway.MetricCounts;

/** V10 counts the changes and deliveries already filed once, and from then on every row written after them. */
class MetricCountsMigrationIntegrationTests {

    @Test
    void countsTheRowsFiledBeforeItAndEveryRowAfter() {
        try (TestDatabase database = TestDatabase.create("counts_v10");
                HikariDataSource dataSource = new HikariDataSource()) {
            dataSource.setJdbcUrl(database.jdbcUrl());
            dataSource.setUsername(database.username());
            dataSource.setPassword(database.password());
            Flyway.configure().dataSource(dataSource).target("9").load().migrate();
            JdbcTemplate jdbc = new JdbcTemplate(dataSource);
            file(jdbc, 30, "DELIVERED");

            Flyway.configure().dataSource(dataSource).load().migrate();

            assertThat(jdbc.queryForObject("select count(*) from metric_count_delta", Long.class))
                    .isZero();
            MetricCounts.assertExact(jdbc);
            assertThat(MetricCounts.kept(jdbc))
                    .containsEntry("change.type:ADDRESS_CHANGE", 10L)
                    .containsEntry("change.type:NAME_CHANGE", 20L)
                    .containsEntry("delivery.status:DELIVERED", 60L);

            file(jdbc, 3, "PENDING");
            jdbc.update("update delivery set status = 'APPLIED' where agency = 'NTA'");

            MetricCounts.assertExact(jdbc);
            assertThat(MetricCounts.kept(jdbc))
                    .containsEntry("change.type:NAME_CHANGE", 22L)
                    .containsEntry("delivery.status:PENDING", 3L)
                    .containsEntry("delivery.status:DELIVERED", 30L)
                    .containsEntry("delivery.status:APPLIED", 33L);
        }
    }

    /** {@code count} more changes, every third an address change, each with an NTA and an NHIA delivery. */
    private static void file(JdbcTemplate jdbc, int count, String status) {
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
