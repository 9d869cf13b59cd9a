package tw.tongbao.gateway.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tw.tongbao.gateway.PooledDatabase;
import tw.tongbao.gateway.TableReads;
import tw.tongbao.gateway.citizen.TestAgencies;
import tw.tongbao.gateway.health.KeptCounts;

/**
 * The agency overview's counts against real PostgreSQL (without autovacuum, as on the project's machines): each
 * agency's deliveries by status, exact through filings, report batches, repairs and rollbacks, and read without
 * reading the deliveries however many there are. Each test has a database of its own.
 */
class AgencyOverviewsIntegrationTests {

    private PooledDatabase database;
    private JdbcTemplate jdbc;
    private TransactionTemplate transaction;
    private AgencyOverviews overviews;

    @BeforeEach
    void migrate() {
        database = PooledDatabase.create("overviews", 2).migrate(null);
        jdbc = database.jdbc();
        transaction = new TransactionTemplate(new DataSourceTransactionManager(database.dataSource()));
        OpsProperties properties = new OpsProperties(null, null, null, 0, 0);
        overviews = new AgencyOverviews(
                TestAgencies.registry(),
                new HealthBoard(Clock.systemUTC(), properties),
                new KeptCounts(jdbc),
                Clock.systemUTC(),
                properties);
    }

    @AfterEach
    void drop() {
        database.close();
    }

    @Test
    void readsNoDeliveryHoweverManyThereAre() {
        file(20_000, "PENDING");
        // A report batch: a tenth of the NHIA deliveries delivered.
        jdbc.update("update delivery set status = 'DELIVERED' where agency = 'NHIA'"
                + " and change_id in (select id from change where sequence % 10 = 0)");
        // With the visibility map set, the planner may count from the (agency, status) index alone: not a way out.
        jdbc.execute("vacuum analyze change, delivery");

        Map<String, TableReads> reads = TableReads.during(
                transaction,
                jdbc,
                () -> assertThat(counts(overviews.all()))
                        .isEqualTo(Map.of(
                                "NTA", Map.of("PENDING", 20_000L),
                                "NHIA", Map.of("PENDING", 18_000L, "DELIVERED", 2_000L),
                                "TPC", Map.of("PENDING", 20_000L))),
                "change",
                "delivery");

        // 20,000 changes and 60,000 deliveries are there.
        TableReads.assertNoneReadWhole(reads, 0);
    }

    @Test
    void showsEachAgencysDeliveriesByStatusExactly() {
        file(12, "PENDING");
        // Report batches, several agencies and statuses each.
        jdbc.update("update delivery set status = case agency when 'NTA' then 'DELIVERED' else 'RETRYING' end"
                + " where change_id in (select id from change where sequence <= 8)");
        jdbc.update("update delivery set status = 'APPLIED' where agency = 'NTA' and status = 'DELIVERED'"
                + " and change_id in (select id from change where sequence <= 3)");
        file(4, "PARKED");
        // A repair by hand, and a batch rolled back.
        jdbc.update("delete from delivery where agency = 'TPC' and status = 'PARKED'");
        transaction.executeWithoutResult(status -> {
            jdbc.update("update delivery set status = 'CANCELLED' where agency = 'NHIA'");
            status.setRollbackOnly();
        });

        List<AgencyOverview> all = overviews.all();

        assertThat(counts(all))
                .isEqualTo(Map.of(
                        "NTA", Map.of("APPLIED", 3L, "DELIVERED", 5L, "PENDING", 4L, "PARKED", 4L),
                        "NHIA", Map.of("RETRYING", 8L, "PENDING", 4L, "PARKED", 4L),
                        "TPC", Map.of("RETRYING", 8L, "PENDING", 4L)))
                .isEqualTo(rowCounts());
        assertThat(all)
                .filteredOn(overview -> overview.code().equals("NHIA"))
                .singleElement()
                .satisfies(nhia -> assertThat(nhia.backlog()).isEqualTo(12));
    }

    private static Map<String, Map<String, Long>> counts(List<AgencyOverview> overviews) {
        Map<String, Map<String, Long>> counts = new HashMap<>();
        overviews.forEach(overview -> counts.put(overview.code(), overview.counts()));
        return counts;
    }

    private Map<String, Map<String, Long>> rowCounts() {
        Map<String, Map<String, Long>> counts = new HashMap<>();
        jdbc.query("select agency, status, count(*) from delivery group by agency, status", rs -> {
            counts.computeIfAbsent(rs.getString(1), agency -> new HashMap<>()).put(rs.getString(2), rs.getLong(3));
        });
        return counts;
    }

    /** {@code count} more changes in one statement, each with an NTA, an NHIA and a TPC delivery in {@code status}. */
    private void file(int count, String status) {
        jdbc.update(
                "with filed as (insert into change (id, receipt, type, subject_id, filer_id, sequence,"
                        + " effective_date, submitted_at, data, idempotency_key, request_hash, response)"
                        + " select gen_random_uuid(), 'TB-O' || s, 'ADDRESS_CHANGE', 'A123456789', 'A123456789', s,"
                        + " current_date, now(), '{}', 'key-' || s, repeat('0', 64), '{}'"
                        + " from generate_series((select count(*) from change) + 1, (select count(*) from change) + ?) s"
                        + " returning id)"
                        + " insert into delivery (id, change_id, agency, status, updated_at)"
                        + " select gen_random_uuid(), filed.id, a.agency, ?, now()"
                        + " from filed, (values ('NTA'), ('NHIA'), ('TPC')) a (agency)",
                count,
                status);
    }
}
