package tw.tongbao.gateway.citizen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static tw.tongbao.gateway.citizen.PreparedFilings.filing;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.core.change.Receipt;
import tw.tongbao.core.testing.TestDatabase;
import tw.tongbao.gateway.outbox.Outbox;

/**
 * The filing's key lookup is planned for the table as it is when it runs, never from a plan PostgreSQL cached for the
 * connection while the table was small (which hashed the keys and scanned every change on each batch until the next
 * ANALYZE), on one connection as a pooled one would be.
 */
class FilingPlansIntegrationTests {

    private static TestDatabase database;
    private static SingleConnectionDataSource connection;
    private static JdbcTemplate jdbc;

    @BeforeAll
    static void migrate() {
        database = TestDatabase.create("plans");
        connection = new SingleConnectionDataSource(database.jdbcUrl(), database.username(), database.password(), true);
        Flyway.configure().dataSource(connection).load().migrate();
        jdbc = new JdbcTemplate(connection);
    }

    @AfterAll
    static void drop() {
        connection.destroy();
        database.close();
    }

    @Test
    void looksUpFiledKeysWithAFreshPlanAfterTheTableGrew() {
        FilingWriter writer =
                new FilingWriter(jdbc, mock(Outbox.class), JsonMapper.builder().build(), Clock.systemUTC());
        // As the server would once the statement ran five times: keep a generic plan for every prepared statement.
        jdbc.execute("set plan_cache_mode = force_generic_plan");
        PreparedFiling first = filing("first");
        writer.fileAll(List.of(first));
        jdbc.execute("analyze change");
        for (int i = 0; i < 10; i++) {
            writer.fileAll(List.of(filing("while-small-" + i)));
        }
        fileChanges(5_000);

        List<Optional<ChangeAnswer>> answers = writer.fileAll(List.of(filing("after-growth"), again(first)));

        assertThat(answers.get(0)).isPresent();
        assertThat(answers.get(1)).as("the key filed first is found taken").isEmpty();
        assertThat(jdbc.queryForObject(
                        "select coalesce(sum(generic_plans), 0) from pg_prepared_statements"
                                + " where statement like '%idempotency_key%join unnest%'",
                        Long.class))
                .as("executions of the key lookup from a plan cached for the connection")
                .isZero();
    }

    private static void fileChanges(int count) {
        jdbc.update(
                "insert into change (id, receipt, type, subject_id, filer_id, sequence, effective_date,"
                        + " submitted_at, data, idempotency_key, request_hash, response)"
                        + " select gen_random_uuid(), 'TB-G' || s, 'ADDRESS_CHANGE', 'Z' || lpad(s::text, 9, '0'),"
                        + " 'Z' || lpad(s::text, 9, '0'), 1, current_date, now(), '{}', 'key-' || s, repeat('0', 64),"
                        + " repeat('x', 1000) from generate_series(1, ?) s",
                count);
    }

    /** The same filer and key filed again, as a retry would. */
    private static PreparedFiling again(PreparedFiling filed) {
        return new PreparedFiling(
                filed.filer(),
                filed.request(),
                filed.key(),
                filed.requestHash(),
                UUID.randomUUID(),
                Receipt.random(),
                List.of(),
                List.of(),
                filed.dataJson());
    }
}
