package tw.tongbao.adapters.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tw.tongbao.adapters.AdaptersProperties;

/**
 * Against real PostgreSQL (here, as on the benchmark machine, without autovacuum): a round analyzes the delivery tables
 * that changed enough, only those, and of them only the columns the adapters' statements filter, join or group on.
 * Each test has a database of its own, since a table's count of changes since its last ANALYZE outlives a TRUNCATE.
 */
class PlannerStatisticsIntegrationTests {

    private EngineDatabase db;
    private PlannerStatistics statistics;

    @BeforeEach
    void migrate() {
        db = EngineDatabase.create("statistics");
        statistics = new PlannerStatistics(db.jdbc, AdaptersProperties.defaults());
    }

    @AfterEach
    void drop() {
        db.close();
    }

    @Test
    void analyzesOnlyTheTableWhoseRowsChanged() {
        long headAnalyzed = analyzeCount("adapter_head");
        long deliveriesAnalyzed = analyzeCount("adapter_delivery");
        // Settled deliveries change adapter_delivery alone: no head of line is opened or closed for them.
        db.rows("NHIA", "DELIVERED", 3_000);

        // The server publishes its per-table change counts a moment after the inserting transaction ends.
        List<String> analyzed =
                await().atMost(Duration.ofSeconds(10)).until(statistics::refreshIfStale, tables -> !tables.isEmpty());

        assertThat(analyzed).containsExactly("adapter_delivery");
        assertThat(analyzeCount("adapter_delivery")).isEqualTo(deliveriesAnalyzed + 1);
        assertThat(analyzeCount("adapter_head")).isEqualTo(headAnalyzed);
        // Analyzed whole (every column whose statistics are on), the table counts as fresh again.
        assertThat(statistics.refreshIfStale()).isEmpty();
    }

    @Test
    void analyzesATableThatGrewPastTwiceItsCountedRowsAtOnceAndOneThatChangedOnlyAfterTheInterval() {
        PlannerStatistics hourly = new PlannerStatistics(db.jdbc, Duration.ofHours(1));
        // The migrations analyzed adapter_delivery empty: 3,000 rows are more than twice none.
        db.rows("NHIA", "DELIVERED", 3_000);
        assertThat(await().atMost(Duration.ofSeconds(10)).until(hourly::refreshIfStale, tables -> !tables.isEmpty()))
                .containsExactly("adapter_delivery");

        // As many rows changed as there are, but the table did not grow: it waits for the interval.
        db.jdbc.sql("UPDATE adapter_delivery SET attempts = attempts + 1").update();
        await().pollDelay(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(10))
                .until(() -> modifiedSinceAnalyze("adapter_delivery") >= 3_000);
        assertThat(hourly.refreshIfStale()).isEmpty();
        assertThat(new PlannerStatistics(db.jdbc, Duration.ofSeconds(1)).refreshIfStale())
                .containsExactly("adapter_delivery");
    }

    @Test
    void collectsStatisticsOnlyOfTheColumnsStatementsFilterJoinOrGroupOn() {
        db.rows("NHIA", "PENDING", 2_000);
        db.rows("NHIA", "DELIVERED", 2_000);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            statistics.refreshIfStale();
            assertThat(analyzeCount("adapter_delivery")).isPositive();
            assertThat(analyzeCount("adapter_head")).isPositive();
        });

        assertThat(statisticsOf("adapter_delivery"))
                .containsExactlyInAnyOrder(
                        "agency",
                        "status",
                        "subject_ref",
                        "sequence",
                        "change_type",
                        "next_attempt_at",
                        "lease_until",
                        "leased_by",
                        "first_delivered_at");
        assertThat(statisticsOf("adapter_head")).containsExactlyInAnyOrder("agency", "next_attempt_at", "sequence");
        // The backlog's estimate reads the joint (agency, status) frequencies (V4), built from those two columns.
        assertThat(db.jdbc
                        .sql("SELECT most_common_vals IS NOT NULL FROM pg_stats_ext"
                                + " WHERE statistics_name = 'adapter_delivery_agency_status'")
                        .query(Boolean.class)
                        .single())
                .isTrue();
    }

    private List<String> statisticsOf(String table) {
        return db.jdbc
                .sql("SELECT attname FROM pg_stats WHERE tablename = :table")
                .param("table", table)
                .query(String.class)
                .list();
    }

    private long analyzeCount(String table) {
        return tableStatistic("analyze_count", table);
    }

    private long modifiedSinceAnalyze(String table) {
        return tableStatistic("n_mod_since_analyze", table);
    }

    /** A counter of {@code pg_stat_user_tables} for the table. */
    private long tableStatistic(String column, String table) {
        return db.jdbc
                .sql("SELECT " + column + " FROM pg_stat_user_tables WHERE relname = :table")
                .param("table", table)
                .query(Long.class)
                .single();
    }
}
