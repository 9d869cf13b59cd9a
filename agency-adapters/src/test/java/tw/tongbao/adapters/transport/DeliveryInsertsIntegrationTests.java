package tw.tongbao.adapters.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import tw.tongbao.adapters.AdaptersProperties;
import tw.tongbao.core.change.ChangeType;

/**
 * How arrivals reach {@code adapter_delivery}: a batch of any agencies in one statement, its rows inserted (and their
 * head-of-line locks taken) in lock order whatever the order of the arrivals, each arrival said to be new or not.
 */
class DeliveryInsertsIntegrationTests {

    private static final List<String> AGENCIES = List.of(
            EngineDatabase.AGENCY.code().value(),
            EngineDatabase.OTHER_AGENCY.code().value());

    @RegisterExtension
    static final EngineDatabase db = EngineDatabase.emptiedBeforeEach("inserts");

    @Test
    void arrivalsOfSeveralAgenciesReachPostgresAsOneStatement() {
        List<DeliveryStore.Arrival> arrivals = shuffled(arrivals(20, 2), 1);
        AtomicInteger statements = new AtomicInteger();
        DeliveryStore counted = new DeliveryStore(
                new JdbcTemplate(StatementCounter.counting(db.template.getDataSource(), statements)),
                AdaptersProperties.defaults());

        boolean[] stored = db.transactions.execute(tx -> counted.insertAllIfAbsent(arrivals, Instant.now()));

        assertThat(statements)
                .as("statements sent for %d arrivals", arrivals.size())
                .hasValue(1);
        assertThat(stored).hasSize(80).containsOnly(true);
        assertThat(db.jdbc
                        .sql("SELECT count(*) FROM adapter_delivery")
                        .query(Long.class)
                        .single())
                .isEqualTo(80L);
        assertThat(db.jdbc
                        .sql("SELECT count(*) FROM adapter_head")
                        .query(Long.class)
                        .single())
                .as("one head of line per agency and subject")
                .isEqualTo(40L);
    }

    @Test
    void rowsAreInsertedInLockOrderWhateverTheOrderOfTheArrivals() {
        // The head-of-line trigger takes the subjects' locks in the order the rows came in; the settlement takes them
        // in lock order too, so any other order could deadlock with it. This trigger records the order rows come in.
        db.jdbc
                .sql("CREATE TABLE insert_order (n bigserial, agency text, subject_ref text, sequence bigint)")
                .update();
        db.jdbc
                .sql("CREATE FUNCTION record_insert_order() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                        + " INSERT INTO insert_order (agency, subject_ref, sequence)"
                        + " VALUES (NEW.agency, NEW.subject_ref, NEW.sequence); RETURN NULL; END $$")
                .update();
        db.jdbc
                .sql("CREATE TRIGGER record_insert_order AFTER INSERT ON adapter_delivery FOR EACH ROW"
                        + " EXECUTE FUNCTION record_insert_order()")
                .update();
        try {
            List<DeliveryStore.Arrival> arrivals = shuffled(arrivals(12, 3), 2);

            db.transactions.execute(tx -> db.store.insertAllIfAbsent(arrivals, Instant.now()));

            List<String> expected = arrivals.stream()
                    .map(DeliveryStore.Arrival::delivery)
                    .sorted(Comparator.comparing(AdapterDelivery::agency)
                            .thenComparing(AdapterDelivery::subjectRef)
                            .thenComparingLong(AdapterDelivery::sequence))
                    .map(d -> d.agency() + "/" + d.subjectRef() + "/" + d.sequence())
                    .toList();
            assertThat(db.jdbc
                            .sql("SELECT agency || '/' || subject_ref || '/' || sequence FROM insert_order ORDER BY n")
                            .query(String.class)
                            .list())
                    .containsExactlyElementsOf(expected);
        } finally {
            db.jdbc.sql("DROP TRIGGER record_insert_order ON adapter_delivery").update();
            db.jdbc.sql("DROP FUNCTION record_insert_order()").update();
            db.jdbc.sql("DROP TABLE insert_order").update();
        }
    }

    @Test
    void theHeadOfLineLocksOfABatchAreTakenInLockOrder() throws Exception {
        List<DeliveryStore.Arrival> arrivals = shuffled(arrivals(12, 2), 3);
        List<String> subjects = arrivals.stream()
                .map(a -> a.delivery().agency() + "\u001f" + a.delivery().subjectRef())
                .distinct()
                .sorted()
                .toList();
        String held = subjects.get(7);
        ExecutorService inserter = Executors.newSingleThreadExecutor();
        try (Connection holder = db.template.getDataSource().getConnection()) {
            lock(holder, "pg_advisory_lock", held);
            CompletableFuture<Integer> pid = new CompletableFuture<>();
            Future<boolean[]> insert = inserter.submit(() -> db.transactions.execute(tx -> {
                pid.complete(db.jdbc
                        .sql("SELECT pg_backend_pid()")
                        .query(Integer.class)
                        .single());
                return db.store.insertAllIfAbsent(arrivals, Instant.now());
            }));
            int inserting = pid.get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> advisoryLocks(inserting, false).equals(List.of(key(held))));

            assertThat(advisoryLocks(inserting, true))
                    .as("locks held while waiting for the %dth subject in lock order", 8)
                    .containsExactlyInAnyOrderElementsOf(subjects.subList(0, 7).stream()
                            .map(DeliveryInsertsIntegrationTests::key)
                            .toList());

            lock(holder, "pg_advisory_unlock", held);
            assertThat(insert.get(30, TimeUnit.SECONDS)).hasSize(48).containsOnly(true);
        } finally {
            inserter.shutdownNow();
        }
        assertThat(db.jdbc
                        .sql("SELECT count(*) FROM adapter_head")
                        .query(Long.class)
                        .single())
                .isEqualTo(24L);
    }

    @Test
    void eachArrivalIsSaidToBeNewOrAlreadyStored() {
        List<DeliveryStore.Arrival> earlier = arrivals(3, 1);
        db.transactions.execute(tx -> db.store.insertAllIfAbsent(earlier.subList(0, 2), Instant.now()));
        List<DeliveryStore.Arrival> fresh = arrivals(2, 1);
        List<DeliveryStore.Arrival> arrivals =
                List.of(fresh.get(0), earlier.get(1), earlier.get(2), fresh.get(0), earlier.get(0), fresh.get(1));

        boolean[] stored = db.transactions.execute(tx -> db.store.insertAllIfAbsent(arrivals, Instant.now()));

        // Stored earlier, or an earlier arrival of the same list: false, as when each was inserted in turn.
        assertThat(stored).containsExactly(true, false, true, false, false, true);
        assertThat(db.jdbc
                        .sql("SELECT count(*) FROM adapter_delivery")
                        .query(Long.class)
                        .single())
                .isEqualTo(5L);
    }

    /** {@code subjects} subjects per agency, {@code sequences} pending deliveries each, with made-up changes. */
    private static List<DeliveryStore.Arrival> arrivals(int subjects, int sequences) {
        List<DeliveryStore.Arrival> arrivals = new ArrayList<>();
        String prefix = UUID.randomUUID().toString().substring(0, 8);
        for (String agency : AGENCIES) {
            for (int s = 0; s < subjects; s++) {
                for (int q = 1; q <= sequences; q++) {
                    AdapterDelivery delivery = AdapterDelivery.received(
                            UUID.randomUUID(),
                            agency,
                            prefix + "-s" + s,
                            q,
                            ChangeType.ADDRESS_CHANGE,
                            "R-" + prefix + "-" + s + "-" + q,
                            Instant.now().minusSeconds(1));
                    arrivals.add(new DeliveryStore.Arrival(delivery, UUID.randomUUID()));
                }
            }
        }
        return arrivals;
    }

    /** The head-of-line lock key of an agency and subject, as the trigger computes it (V3, V15). */
    private static long key(String agencyAndSubject) {
        return db.jdbc
                .sql("SELECT hashtextextended(:s, 7)")
                .param("s", agencyAndSubject)
                .query(Long.class)
                .single();
    }

    private static void lock(Connection connection, String function, String agencyAndSubject) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT " + function + "(?)")) {
            statement.setLong(1, key(agencyAndSubject));
            statement.execute();
        }
    }

    /** The 64-bit advisory locks a backend holds ({@code granted}) or waits for. */
    private static List<Long> advisoryLocks(int pid, boolean granted) {
        return db.jdbc
                .sql("SELECT (classid::bigint << 32) | objid::bigint FROM pg_locks WHERE locktype = 'advisory'"
                        + " AND objsubid = 1 AND pid = :pid AND granted = :granted")
                .param("pid", pid)
                .param("granted", granted)
                .query(Long.class)
                .list();
    }

    private static <T> List<T> shuffled(List<T> list, long seed) {
        List<T> copy = new ArrayList<>(list);
        Collections.shuffle(copy, new Random(seed));
        return copy;
    }
}
