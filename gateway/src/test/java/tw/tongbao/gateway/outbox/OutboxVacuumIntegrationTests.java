package tw.tongbao.gateway.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.core.testing.TestDatabase;
import tw.tongbao.core.testing.TestVhost;
import tw.tongbao.gateway.NationalIds;
import tw.tongbao.gateway.ReleasedAfterContext;
import tw.tongbao.gateway.ReleasedAfterContext.Release;
import tw.tongbao.gateway.TestServices;

/**
 * The outbox relay keeps the outbox cheap to claim from on a server whose autovacuum is off (as the test server's
 * is): it vacuums the outbox every {@code tongbao.outbox.vacuum-after} rows it deleted, and never when that is 0; a
 * vacuum that fails stops no publishing.
 */
@ExtendWith(ReleasedAfterContext.class)
@SpringBootTest
@DirtiesContext
class OutboxVacuumIntegrationTests {

    @Release(order = 2)
    static final TestDatabase database = TestDatabase.create("gwvacuum");

    @Release(order = 1)
    static final TestVhost vhost = TestVhost.create("gwvacuum");

    private static final int VACUUM_AFTER = 1_000;

    /**
     * Most shared buffers the claim's search for the oldest unpublished rows may read once the outbox is vacuumed: it
     * read 1 then, and 110 after these 20,000 changes when the relay marked rows published and never vacuumed.
     */
    private static final int CLAIM_BUFFERS = 20;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    TransactionTemplate transaction;

    @Autowired
    PlatformTransactionManager transactions;

    @Autowired
    DataSource dataSource;

    @Autowired
    JsonMapper json;

    @Autowired
    ChangePublisher publisher;

    @Autowired
    OutboxRelay relay;

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        TestServices.register(registry, database, vhost);
        registry.add("tongbao.outbox.poll-interval", () -> "200ms");
        registry.add("tongbao.outbox.vacuum-after", () -> VACUUM_AFTER);
    }

    @Test
    void vacuumsAsItDeletesSoThatAClaimReadsFewBuffersAfterManyChanges() {
        long vacuums = vacuumCount();

        fileBacklog(20_000);

        await().atMost(Duration.ofMinutes(2))
                .until(() ->
                        jdbc.queryForObject("select count(*) from outbox where published_at is null", Integer.class)
                                == 0);
        // Once the relay's last vacuum, right after its last delete, is done.
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(claimBuffers()).isLessThanOrEqualTo(CLAIM_BUFFERS));
        // One vacuum each 1,000 rows deleted, 20 in all, or fewer if batches straddled the counts (as after a failed
        // publish); the statistics show them a moment later.
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(vacuumCount() - vacuums).isBetween(10L, 20L));
    }

    /**
     * The relay vacuums right after a delete, often when the outbox is empty just then; with {@code vacuum_truncate}
     * off the table keeps its pages and the statistics say they hold no rows, so every plan takes the outbox for one
     * row until the next vacuum. A claim over 20,000 rows then read 4 million buffers (a nested loop running the search
     * for the oldest rows once per row of the outbox); it must read about as many as it claims rows, a few each.
     */
    @Test
    void aClaimReadsFewBuffersWhenTheLastVacuumFoundTheOutboxEmpty() {
        relay.stop();
        try {
            fileBacklog(1_000);
            relay.drain();
            jdbc.execute("vacuum outbox");
            assertThat(jdbc.queryForMap("select relpages, reltuples from pg_class where relname = 'outbox'"))
                    .as("the statistics the relay's vacuum of an empty outbox leaves")
                    .satisfies(stats -> assertThat(((Number) stats.get("relpages")).intValue())
                            .isPositive())
                    .satisfies(stats -> assertThat(((Number) stats.get("reltuples")).doubleValue())
                            .isZero());
            fileBacklog(20_000);

            JsonNode plan = transaction.execute(status -> {
                status.setRollbackOnly();
                return json.readTree(jdbc.queryForObject(
                                "explain (analyze, buffers, format json) " + OutboxRelay.CLAIM,
                                String.class,
                                15.0,
                                100))
                        .get(0)
                        .get("Plan");
            });

            assertThat(plan.get("Actual Rows").asInt()).as("rows claimed").isEqualTo(100);
            assertThat(plan.get("Shared Hit Blocks").asInt()
                            + plan.get("Shared Read Blocks").asInt())
                    .as("shared buffers the claim of 100 rows read")
                    .isLessThan(5_000);
        } finally {
            jdbc.update("delete from outbox");
            relay.start();
        }
    }

    @Test
    void neverVacuumsWhenVacuumAfterIsZero() {
        OutboxRelay neverVacuums =
                new OutboxRelay(jdbc, transactions, publisher, new OutboxProperties(null, 0, null, 0, 0, 0));
        relay.stop();
        try {
            long vacuums = vacuumCount();
            long deletes = deleteCount();
            fileBacklog(3 * VACUUM_AFTER);

            neverVacuums.drain();

            assertThat(jdbc.queryForObject("select count(*) from outbox", Integer.class))
                    .isZero();
            // Statistics that show the deletes would show a vacuum that followed them too.
            await().atMost(Duration.ofSeconds(30)).until(() -> deleteCount() >= deletes + 3 * VACUUM_AFTER);
            assertThat(vacuumCount()).isEqualTo(vacuums);
        } finally {
            relay.start();
        }
    }

    @Test
    void keepsPublishingWhileItsVacuumsFailAndTriesAgainAfterAsManyRows() {
        AtomicInteger tries = new AtomicInteger();
        JdbcTemplate vacuumFails = new JdbcTemplate(dataSource) {
            @Override
            public void execute(String sql) {
                if (sql.startsWith("vacuum")) {
                    tries.incrementAndGet();
                    throw new DataAccessResourceFailureException("the database is away just then");
                }
                super.execute(sql);
            }
        };
        OutboxRelay failingToVacuum =
                new OutboxRelay(vacuumFails, transactions, publisher, new OutboxProperties(null, 0, null, 0, 0, 200));
        relay.stop();
        try {
            fileBacklog(1_000);

            failingToVacuum.drain();

            assertThat(jdbc.queryForObject("select count(*) from outbox", Integer.class))
                    .isZero();
            assertThat(tries).as("one try each 200 rows deleted").hasValue(5);
        } finally {
            relay.start();
        }
    }

    /** {@code changes} changes of a new subject filed at once, each with an outbox row of about 1 KB for NTA. */
    private void fileBacklog(int changes) {
        String subject = NationalIds.random();
        transaction.executeWithoutResult(status -> {
            jdbc.update(
                    "insert into change (id, receipt, type, subject_id, filer_id, sequence, effective_date,"
                            + " submitted_at, data, idempotency_key, request_hash, response)"
                            + " select gen_random_uuid(), 'V' || subject || '-' || s, 'ADDRESS_CHANGE', subject,"
                            + " subject, s, current_date, now(), '{}', 'backlog-' || s, repeat('0', 64), '{}'"
                            + " from generate_series(1, ?) s, (select ?::text as subject) filer",
                    changes,
                    subject);
            jdbc.update(
                    "insert into outbox (change_id, payload)"
                            + " select id, json_build_object('changeId', id, 'sequence', sequence, 'addressees',"
                            + "   json_build_array(json_build_object('agency', 'NTA')), 'street', repeat('路', 300))::text"
                            + " from change where subject_id = ? order by sequence",
                    subject);
        });
    }

    /** Shared buffers that the claim's search for the oldest unpublished rows reads, as the claim runs it. */
    private int claimBuffers() {
        JsonNode plan = json.readTree(jdbc.queryForObject(
                        "explain (analyze, buffers, format json)"
                                + " select id from outbox where published_at is null order by id limit 100",
                        String.class))
                .get(0)
                .get("Plan");
        return plan.get("Shared Hit Blocks").asInt()
                + plan.get("Shared Read Blocks").asInt();
    }

    private long vacuumCount() {
        return jdbc.queryForObject("select vacuum_count from pg_stat_user_tables where relname = 'outbox'", Long.class);
    }

    private long deleteCount() {
        return jdbc.queryForObject("select n_tup_del from pg_stat_user_tables where relname = 'outbox'", Long.class);
    }
}
