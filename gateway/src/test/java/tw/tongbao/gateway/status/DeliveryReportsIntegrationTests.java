package tw.tongbao.gateway.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import tw.tongbao.core.delivery.DeliveryStatus;
import tw.tongbao.core.report.DeliveryReported;
import tw.tongbao.core.testing.TestDatabase;

/**
 * The one-statement report apply against real PostgreSQL decides exactly as {@link ReportRule} does, for every pair of
 * statuses, older, equal and newer revisions, a repeated status with a new try, and a report from another agency.
 */
class DeliveryReportsIntegrationTests {

    private static TestDatabase database;
    private static HikariDataSource dataSource;
    private static JdbcTemplate jdbc;
    private static DeliveryReports reports;

    @BeforeAll
    static void migrate() {
        database = TestDatabase.create("reports");
        dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(database.jdbcUrl());
        dataSource.setUsername(database.username());
        dataSource.setPassword(database.password());
        dataSource.setMaximumPoolSize(2);
        Flyway.configure().dataSource(dataSource).load().migrate();
        jdbc = new JdbcTemplate(dataSource);
        reports = new DeliveryReports(jdbc, new DeliveryTimeline(jdbc), Clock.systemUTC());
    }

    @AfterAll
    static void drop() {
        dataSource.close();
        database.close();
    }

    @Test
    void decidesEveryReportAsTheReportRuleDoes() {
        int applied = 0;
        for (DeliveryStatus from : DeliveryStatus.values()) {
            for (DeliveryStatus to : DeliveryStatus.values()) {
                for (long revision : new long[] {3, 4}) {
                    for (int attempts : new int[] {1, 2}) {
                        for (String agency : new String[] {"NTA", "NHIA"}) {
                            UUID id = delivery(from, 3, 1);
                            DeliveryReported report = new DeliveryReported(
                                    id, agency, to, revision, attempts, Instant.now(), "why", null, null);
                            ReportVerdict expected =
                                    ReportRule.judge(new StoredDelivery(id, "NTA", from, 3, 1), report);

                            assertThat(reports.apply(report))
                                    .as("%s -> %s r%d attempts %d from %s", from, to, revision, attempts, agency)
                                    .isEqualTo(expected);
                            boolean changed = expected == ReportVerdict.APPLY;
                            assertThat(jdbc.queryForObject(
                                            "select status from delivery where id = ?", String.class, id))
                                    .isEqualTo((changed ? to : from).name());
                            assertThat(jdbc.queryForObject(
                                            "select revision from delivery where id = ?", Long.class, id))
                                    .isEqualTo(changed ? revision : 3);
                            assertThat(jdbc.queryForObject(
                                            "select count(*) from delivery_event where delivery_id = ?",
                                            Integer.class,
                                            id))
                                    .isEqualTo(changed ? 1 : 0);
                            applied += changed ? 1 : 0;
                        }
                    }
                }
            }
        }
        assertThat(applied).isPositive();
    }

    @Test
    void ignoresAReportForAnUnknownDelivery() {
        DeliveryReported report = new DeliveryReported(
                UUID.randomUUID(), "NTA", DeliveryStatus.DELIVERED, 1, 1, Instant.now(), null, null, null);

        assertThat(reports.apply(report)).isEqualTo(ReportVerdict.ILLEGAL);
    }

    private static UUID delivery(DeliveryStatus status, long revision, int attempts) {
        UUID change = UUID.randomUUID();
        UUID delivery = UUID.randomUUID();
        jdbc.update(
                "insert into change (id, receipt, type, subject_id, filer_id, sequence, effective_date, submitted_at,"
                        + " data, idempotency_key, request_hash, response) values (?, ?, 'ADDRESS_CHANGE',"
                        + " 'A123456789', 'A123456789', ?, current_date, now(), '{}', ?, repeat('0', 64), '{}')",
                change,
                "TB-" + change.toString().substring(0, 12),
                Math.abs(change.getMostSignificantBits()),
                change.toString());
        jdbc.update(
                "insert into delivery (id, change_id, agency, status, attempts, revision, updated_at)"
                        + " values (?, ?, 'NTA', ?, ?, ?, now())",
                delivery,
                change,
                status.name(),
                attempts,
                revision);
        return delivery;
    }
}
