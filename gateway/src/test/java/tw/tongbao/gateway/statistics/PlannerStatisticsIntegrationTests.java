package tw.tongbao.gateway.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import tw.tongbao.core.testing.TestDatabase;

/**
 * Against real PostgreSQL (which here, as on the benchmark machine, may run without autovacuum): once filings have
 * grown the gateway's tables their statistics are refreshed, of those tables only, of the columns statements filter,
 * join or group on only, and while they are fresh nothing is analyzed again. Each test has a database of its own.
 */
class PlannerStatisticsIntegrationTests {

    private TestDatabase database;
    private HikariDataSource dataSource;
    private JdbcTemplate jdbc;
    private PlannerStatistics statistics;

    @BeforeEach
    void migrate() {
        database = TestDatabase.create("statistics");
        dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(database.jdbcUrl());
        dataSource.setUsername(database.username());
        dataSource.setPassword(database.password());
        dataSource.setMaximumPoolSize(2);
        Flyway.configure().dataSource(dataSource).load().migrate();
        jdbc = new JdbcTemplate(dataSource);
        statistics = new PlannerStatistics(jdbc, new StatisticsProperties(null));
    }

    @AfterEach
    void drop() {
        dataSource.close();
        database.close();
    }

    @Test
    void analyzesTheGrownTablesOnceAndNotAgainWhileTheyAreFresh() {
        fileChanges(2_000);

        refreshUntilAllAnalyzed();

        assertThat(statistics.refreshIfStale()).isEmpty();
    }

    @Test
    void analyzesOnlyTheTablesWhoseRowsChanged() {
        fileChanges(2_000);
        refreshUntilAllAnalyzed();
        long changes = analyzeCount("change");
        long deliveries = analyzeCount("delivery");
        long events = analyzeCount("delivery_event");

        // Deliveries change status in place; the changes and the timelines' rows stay as they were.
        jdbc.update("update delivery set status = 'DELIVERED'");
        List<String> analyzed =
                await().atMost(Duration.ofSeconds(10)).until(statistics::refreshIfStale, tables -> !tables.isEmpty());

        assertThat(analyzed).containsExactly("delivery");
        assertThat(analyzeCount("delivery")).isEqualTo(deliveries + 1);
        assertThat(analyzeCount("change")).isEqualTo(changes);
        assertThat(analyzeCount("delivery_event")).isEqualTo(events);
    }

    @Test
    void collectsStatisticsOnlyOfTheColumnsStatementsFilterJoinOrGroupOn() {
        fileChanges(2_000);

        refreshUntilAllAnalyzed();

        // The payloads are never searched (V6), nor are the other columns left out (V9); the report lag filters on
        // when steps were recorded (V10).
        assertThat(statisticsOf("change"))
                .containsExactlyInAnyOrder("filer_id", "idempotency_key", "subject_id", "type");
        assertThat(statisticsOf("delivery")).containsExactlyInAnyOrder("change_id", "agency", "status", "updated_at");
        assertThat(statisticsOf("delivery_event")).containsExactlyInAnyOrder("delivery_id", "at", "recorded_at");
    }

    private void refreshUntilAllAnalyzed() {
        // The server publishes a connection's per-table change counts a moment after its transaction ends.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            statistics.refreshIfStale();
            assertThat(analyzeCount("change")).isPositive();
            assertThat(analyzeCount("delivery")).isPositive();
            assertThat(analyzeCount("delivery_event")).isPositive();
        });
    }

    private List<String> statisticsOf(String table) {
        return jdbc.queryForList("select attname from pg_stats where tablename = ?", String.class, table);
    }

    /** {@code count} changes with two deliveries each and a pending timeline step per delivery. */
    private void fileChanges(int count) {
        jdbc.update(
                "insert into change (id, receipt, type, subject_id, filer_id, sequence, effective_date,"
                        + " submitted_at, data, idempotency_key, request_hash, response)"
                        + " select gen_random_uuid(), 'TB-S' || s, 'ADDRESS_CHANGE', 'A123456789', 'A123456789', s,"
                        + " current_date, now(), '{}', 'key-' || s, repeat('0', 64), '{}'"
                        + " from generate_series(1, ?) s",
                count);
        jdbc.update("insert into delivery (id, change_id, agency, status, updated_at)"
                + " select gen_random_uuid(), c.id, a.agency, 'PENDING', now()"
                + " from change c, (values ('NTA'), ('NHIA')) a (agency)");
        jdbc.update("insert into delivery_event (delivery_id, status, at, revision)"
                + " select id, 'PENDING', now(), 0 from delivery");
    }

    private long analyzeCount(String table) {
        return jdbc.queryForObject(
                "select analyze_count from pg_stat_user_tables where relname = ?", Long.class, table);
    }
}
