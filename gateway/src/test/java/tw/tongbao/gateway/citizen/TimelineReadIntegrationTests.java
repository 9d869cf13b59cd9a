package tw.tongbao.gateway.citizen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.gateway.PooledDatabase;

/**
 * A citizen's timelines are read from the view {@code delivery_timeline} (V13) by delivery id, and that reads each
 * delivery's rows by key however many deliveries there are; a join from the changes would build the whole view.
 */
class TimelineReadIntegrationTests {

    @Test
    void readsTheTimelinesOfAFewDeliveriesByKeyAmongMany() {
        try (PooledDatabase database = PooledDatabase.create("timeline_read", 2).migrate(null)) {
            JdbcTemplate jdbc = database.jdbc();
            // 20,000 changes of five deliveries each, every delivery with one step a report wrote.
            jdbc.update("insert into change (id, receipt, type, subject_id, filer_id, sequence, effective_date,"
                    + " submitted_at, data, idempotency_key, request_hash, response)"
                    + " select md5(i::text)::uuid, 'TB-' || i, 'ADDRESS_CHANGE', 'S' || i, 'F' || i, 1, current_date,"
                    + " now(), '{}', 'k' || i, repeat('0', 64), '{}' from generate_series(1, 20000) i");
            jdbc.update("insert into delivery (id, change_id, agency, status, attempts, revision, updated_at)"
                    + " select md5(i::text || a)::uuid, md5(i::text)::uuid, a, 'DELIVERED', 1, 1, now()"
                    + " from generate_series(1, 20000) i, unnest(array['NTA', 'NHIA', 'MVDIS', 'BLI', 'POST']) a");
            jdbc.update("insert into delivery_event (delivery_id, status, at, revision)"
                    + " select id, 'DELIVERED', now(), 1 from delivery");
            jdbc.execute("analyze change, delivery, delivery_event");
            List<String> ids =
                    jdbc.queryForList("select id::text from delivery where change_id = md5('777')::uuid", String.class);
            String sql = ChangeQueries.TIMELINES.replace(
                    ":ids", ids.stream().map(id -> "'" + id + "'::uuid").collect(Collectors.joining(", ")));

            assertThat(jdbc.queryForList(sql)).hasSize(10);
            JsonNode plan = new JsonMapper()
                    .readTree(jdbc.queryForObject("explain (analyze, buffers, format json) " + sql, String.class))
                    .get(0)
                    .get("Plan");
            assertThat(plan.get("Shared Hit Blocks").asInt()
                            + plan.get("Shared Read Blocks").asInt())
                    .as("shared buffers read for five timelines among 100,000")
                    .isLessThan(200);
        }
    }
}
