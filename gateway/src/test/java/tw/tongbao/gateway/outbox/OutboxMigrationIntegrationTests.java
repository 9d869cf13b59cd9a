package tw.tongbao.gateway.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import tw.tongbao.gateway.PooledDatabase;

/** V12 deletes the outbox rows published before it, which nothing reads again, and keeps those still to publish. */
class OutboxMigrationIntegrationTests {

    @Test
    void deletesThePublishedRowsAndKeepsTheUnpublishedOnes() {
        try (PooledDatabase database = PooledDatabase.create("outboxv12", 2)) {
            database.migrate("11");
            JdbcTemplate jdbc = database.jdbc();
            jdbc.update("insert into change (id, receipt, type, subject_id, filer_id, sequence, effective_date,"
                    + " submitted_at, data, idempotency_key, request_hash, response)"
                    + " select gen_random_uuid(), 'TB-O' || s, 'ADDRESS_CHANGE', 'A123456789', 'A123456789', s,"
                    + " current_date, now(), '{}', 'key-' || s, repeat('0', 64), '{}'"
                    + " from generate_series(1, 5) s");
            // Changes 1 to 3 published, 4 claimed by a relay and 5 waiting.
            jdbc.update("insert into outbox (change_id, payload, published_at, claimed_until)"
                    + " select id, '{}', case when sequence <= 3 then now() end,"
                    + "   case when sequence = 4 then now() + interval '15 s' end"
                    + " from change order by sequence");

            database.migrate(null);

            assertThat(jdbc.queryForList(
                            "select c.sequence from outbox o join change c on c.id = o.change_id order by o.id",
                            Long.class))
                    .containsExactly(4L, 5L);
        }
    }
}
