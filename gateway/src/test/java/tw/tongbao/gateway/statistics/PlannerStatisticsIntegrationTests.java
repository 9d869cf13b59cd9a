package tw.tongbao.gateway.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import tw.tongbao.core.testing.TestDatabase;

/**
 * Against real PostgreSQL (which here, as on the benchmark machine, may run without autovacuum): once filings have
 * grown the gateway's tables the statistics are refreshed, and while they are fresh nothing is analyzed again.
 */
class PlannerStatisticsIntegrationTests {

    private static TestDatabase database;
    private static HikariDataSource dataSource;
    private static JdbcTemplate jdbc;

    @BeforeAll
    static void migrate() {
        database = TestDatabase.create("statistics");
        dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(database.jdbcUrl());
        dataSource.setUsername(database.username());
        dataSource.setPassword(database.password());
        dataSource.setMaximumPoolSize(2);
        Flyway.configure().dataSource(dataSource).load().migrate();
        jdbc = new JdbcTemplate(dataSource);
    }

    @AfterAll
    static void drop() {
        dataSource.close();
        database.close();
    }

    @Test
    void analyzesTheGrownTablesOnceAndNotAgainWhileTheyAreFresh() {
        PlannerStatistics statistics = new PlannerStatistics(jdbc, new StatisticsProperties(null));
        long before = analyzeCount("delivery_event");
        fileChanges(2_000);

        // The server publishes its per-table change counts a moment after the inserting transaction ends.
        await().atMost(Duration.ofSeconds(10)).until(statistics::refreshIfStale);

        assertThat(analyzeCount("change")).isGreaterThan(0);
        assertThat(analyzeCount("delivery")).isGreaterThan(0);
        assertThat(analyzeCount("delivery_event")).isGreaterThan(before);
        assertThat(statistics.refreshIfStale()).isFalse();
        // The payloads are never searched: no statistics are collected about them (V6), the other columns have theirs.
        assertThat(statisticsOf("change")).contains("type", "subject_id").doesNotContain("data", "response");
    }

    private static java.util.List<String> statisticsOf(String table) {
        return jdbc.queryForList("select attname from pg_stats where tablename = ?", String.class, table);
    }

    /** {@code count} changes with two deliveries each and a pending timeline step per delivery. */
    private static void fileChanges(int count) {
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

    private static long analyzeCount(String table) {
        return jdbc.queryForObject(
                "select analyze_count from pg_stat_user_tables where relname = ?", Long.class, table);
    }
}
