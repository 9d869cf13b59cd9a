package tw.tongbao.gateway.citizen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.core.change.NationalId;
import tw.tongbao.core.testing.TestDatabase;
import tw.tongbao.core.testing.TestVhost;
import tw.tongbao.gateway.MetricCounts;
import tw.tongbao.gateway.NationalIds;
import tw.tongbao.gateway.ReleasedAfterContext;
import tw.tongbao.gateway.ReleasedAfterContext.Release;
import tw.tongbao.gateway.TestServices;
import tw.tongbao.gateway.outbox.OutboxRelaySwitch;
import tw.tongbao.gateway.security.Filer;

/**
 * Group commit against real PostgreSQL: many concurrent filings stay numbered without gaps, a batch answers a taken key
 * as a replay and commits the rest together, and a filing the database refuses fails alone leaving nothing behind.
 */
@ExtendWith(ReleasedAfterContext.class)
@SpringBootTest
@DirtiesContext
class FilingBatchIntegrationTests {

    @Release(order = 2)
    static final TestDatabase database = TestDatabase.create("filing");

    @Release(order = 1)
    static final TestVhost vhost = TestVhost.create("filing");

    static final ExecutorService requests = Executors.newFixedThreadPool(32);

    @Autowired
    ChangeIntake intake;

    @Autowired
    FilingBatcher batcher;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    JsonMapper json;

    @Autowired
    ApplicationContext context;

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        TestServices.register(registry, database, vhost);
    }

    /** These tests read the outbox rows the filings wrote, which the relay would publish and delete. */
    @BeforeEach
    void keepOutboxRows() {
        OutboxRelaySwitch.stop(context);
    }

    @AfterAll
    static void stopRequests() {
        requests.shutdownNow();
    }

    @Test
    void answersWithTheJsonItStoresForReplays() {
        String subject = NationalIds.random();

        ChangeAnswer answer = answered(intake.accept(
                new Filer(new NationalId(subject), "王小明"),
                new IdempotencyKey("stored-json"),
                json.writeValueAsBytes(Changes.addressChange(subject, soon(), "TPC"))));

        byte[] stored = jdbc.queryForObject(
                "select convert_to(response, 'UTF8') from change where receipt = ?",
                byte[].class,
                answer.view().receipt());
        assertThat(answer.json()).isEqualTo(stored);
        assertThat(json.readValue(answer.json(), ChangeView.class)).isEqualTo(answer.view());
        assertThat(answer.json()).isEqualTo(json.writeValueAsBytes(answer.view()));
    }

    @Test
    void numbersManyConcurrentFilingsWithoutGapsAndStoresEachWhole() throws Exception {
        List<String> subjects = new ArrayList<>();
        List<Callable<ChangeView>> calls = new ArrayList<>();
        for (int s = 0; s < 20; s++) {
            String subject = NationalIds.random();
            subjects.add(subject);
            for (int i = 0; i < 9; i++) {
                String key = "move-" + i;
                calls.add(() -> file(subject, key, Changes.addressChange(subject, soon())));
            }
            calls.add(() -> file(NationalIds.random(), "death", Changes.deathReport(subject, yesterday())));
        }
        Collections.shuffle(calls);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<ChangeView>> answers = new ArrayList<>();
        for (Callable<ChangeView> call : calls) {
            answers.add(requests.submit(() -> {
                go.await();
                return call.call();
            }));
        }
        go.countDown();
        List<ChangeView> views = new ArrayList<>();
        for (Future<ChangeView> answer : answers) {
            views.add(answer.get());
        }

        assertThat(views)
                .extracting(ChangeView::receipt)
                .doesNotHaveDuplicates()
                .hasSize(200);
        String[] subjectIds = subjects.toArray(String[]::new);
        Map<String, List<Long>> sequences = new HashMap<>();
        jdbc.query(
                "select subject_id, sequence from change where subject_id = any(?) order by sequence",
                rs -> {
                    sequences
                            .computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                            .add(rs.getLong(2));
                },
                (Object) subjectIds);
        List<Long> oneToTen = LongStream.rangeClosed(1, 10).boxed().toList();
        assertThat(sequences)
                .hasSize(20)
                .allSatisfy((subject, numbers) -> assertThat(numbers).isEqualTo(oneToTen));
        assertThat(jdbc.queryForList(
                        "select last_sequence from subject_sequence where subject_id = any(?)", Long.class, (Object)
                                subjectIds))
                .hasSize(20)
                .containsOnly(10L);
        for (ChangeView view : views) {
            assertStoredWhole(view);
        }
        // The relay publishes in outbox order, so each subject's messages must be in the order of its sequence.
        Map<String, List<Long>> published = new HashMap<>();
        jdbc.query(
                "select c.subject_id, c.sequence from outbox o join change c on c.id = o.change_id"
                        + " where c.subject_id = any(?) order by o.id",
                rs -> {
                    published
                            .computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                            .add(rs.getLong(2));
                },
                (Object) subjectIds);
        assertThat(published).isEqualTo(sequences);
        MetricCounts.assertExact(jdbc);
    }

    @Test
    void filesAQueuedBatchInOneTransactionAnsweringTakenKeysAsReplays() throws Exception {
        String subject = NationalIds.random();
        Map<String, Object> firstBody = Changes.addressChange(subject, soon());
        ChangeView first = file(subject, "first", firstBody);
        Map<String, Object> otherBody = Changes.addressChange(subject, soon());
        Changes.addressOf(otherBody).put("district", "信義區");
        String relative = NationalIds.random();

        List<Future<ChangeView>> answers;
        try (Connection blocker = database.connect()) {
            Future<ChangeView> held = holdSubject(blocker, subject, "held", Changes.addressChange(subject, soon()));
            answers = queueInOrder(
                    () -> file(subject, "rename", Changes.nameChange(subject, yesterday(), "王大同")),
                    () -> file(subject, "after-rename", Changes.addressChange(subject, soon())),
                    () -> file(subject, "first", firstBody),
                    () -> file(subject, "after-rename", Changes.addressChange(subject, soon())),
                    () -> file(relative, "death", Changes.deathReport(subject, yesterday())),
                    () -> file(subject, "first", otherBody));
            blocker.rollback();
            assertThat(held.get().sequence()).isEqualTo(2);
        }

        ChangeView rename = answers.get(0).get();
        ChangeView afterRename = answers.get(1).get();
        ChangeView death = answers.get(4).get();
        assertThat(List.of(rename, afterRename, death))
                .extracting(ChangeView::sequence)
                .containsExactly(3L, 4L, 5L);
        assertThat(answers.get(2).get()).isEqualTo(first);
        assertThat(answers.get(3).get()).isEqualTo(afterRename);
        assertThatThrownBy(() -> answers.get(5).get()).hasCauseInstanceOf(IdempotencyKeyReused.class);
        assertThat(jdbc.queryForObject(
                        "select count(distinct xmin::text) from change where receipt = any(?)", Integer.class, (Object)
                                new String[] {rename.receipt(), afterRename.receipt(), death.receipt()}))
                .as("filed in one transaction")
                .isEqualTo(1);
        assertThat(subjectName(rename)).isEqualTo("王小明");
        assertThat(subjectName(afterRename)).isEqualTo("王大同");
        assertThat(subjectName(death)).isEqualTo("王大同");
        assertThat(jdbc.queryForList(
                        "select sequence from change where subject_id = ? order by sequence", Long.class, subject))
                .containsExactly(1L, 2L, 3L, 4L, 5L);
        for (ChangeView view : List.of(first, rename, afterRename, death)) {
            assertStoredWhole(view);
        }
    }

    @Test
    void failsOnlyTheFilingTheDatabaseRefusesAndLeavesNoneOfItsRows() throws Exception {
        // Refuses the outbox row, the last statement of a filing, of any change filed with a "poison" key.
        jdbc.execute("create function refuse_poison() returns trigger language plpgsql as $$ begin"
                + " if exists (select 1 from change where id = new.change_id and idempotency_key like 'poison%')"
                + " then raise exception 'poisoned filing'; end if; return new; end $$");
        jdbc.execute("create trigger refuse_poison before insert on outbox for each row"
                + " execute function refuse_poison()");
        try {
            String subject = NationalIds.random();
            file(subject, "first", Changes.addressChange(subject, soon()));
            List<Future<ChangeView>> answers;
            try (Connection blocker = database.connect()) {
                Future<ChangeView> held = holdSubject(blocker, subject, "held", Changes.addressChange(subject, soon()));
                answers = queueInOrder(
                        () -> file(subject, "before", Changes.addressChange(subject, soon())),
                        () -> file(subject, "poison", Changes.addressChange(subject, soon())),
                        () -> file(subject, "after", Changes.addressChange(subject, soon())));
                blocker.rollback();
                held.get();
            }

            assertThat(answers.get(0).get().sequence()).isEqualTo(3);
            assertThatThrownBy(() -> answers.get(1).get())
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(DataAccessException.class)
                    .hasMessageContaining("poisoned filing");
            assertThat(answers.get(2).get().sequence()).isEqualTo(4);
            assertThat(jdbc.queryForObject(
                            "select count(*) from change where idempotency_key like 'poison%'", Integer.class))
                    .isZero();
            assertThat(jdbc.queryForList(
                            "select sequence from change where subject_id = ? order by sequence", Long.class, subject))
                    .containsExactly(1L, 2L, 3L, 4L);
            assertThat(jdbc.queryForObject(
                            "select last_sequence from subject_sequence where subject_id = ?", Long.class, subject))
                    .isEqualTo(4);
            assertThat(jdbc.queryForObject(
                            "select count(*) from outbox o join change c on c.id = o.change_id where c.subject_id = ?",
                            Integer.class,
                            subject))
                    .isEqualTo(4);
            for (Future<ChangeView> answer : List.of(answers.get(0), answers.get(2))) {
                assertStoredWhole(answer.get());
            }
            MetricCounts.assertExact(jdbc);
        } finally {
            jdbc.execute("drop trigger refuse_poison on outbox");
            jdbc.execute("drop function refuse_poison()");
        }
    }

    /**
     * Locks the subject's counter from {@code blocker}, files one change about it and waits until the writer waits
     * for that lock, so what is queued next forms one batch once the blocker lets go.
     */
    private Future<ChangeView> holdSubject(Connection blocker, String subject, String key, Map<String, Object> body)
            throws Exception {
        blocker.setAutoCommit(false);
        try (PreparedStatement lock =
                blocker.prepareStatement("select 1 from subject_sequence where subject_id = ? for update")) {
            lock.setString(1, subject);
            lock.executeQuery().close();
        }
        Future<ChangeView> held = requests.submit(() -> file(subject, key, body));
        await().atMost(Duration.ofSeconds(10))
                .until(
                        () -> jdbc.queryForObject(
                                "select count(*) from pg_stat_activity"
                                        + " where datname = current_database() and wait_event_type = 'Lock'",
                                Integer.class),
                        waiting -> waiting > 0);
        return held;
    }

    /** Submits the filings one after another, each only once the one before is queued. */
    @SafeVarargs
    private List<Future<ChangeView>> queueInOrder(Callable<ChangeView>... filings) {
        List<Future<ChangeView>> answers = new ArrayList<>();
        int before = batcher.queued();
        for (Callable<ChangeView> filing : filings) {
            answers.add(requests.submit(filing));
            int expected = before + answers.size();
            await().atMost(Duration.ofSeconds(10)).until(() -> batcher.queued() == expected);
        }
        return answers;
    }

    private ChangeView file(String filer, String key, Map<String, Object> body) {
        return answered(intake.accept(
                        new Filer(new NationalId(filer), "王小明"), new IdempotencyKey(key), json.writeValueAsBytes(body)))
                .view();
    }

    /** Waits for the answer as the request does, failing with what the filing failed with. */
    private static ChangeAnswer answered(CompletableFuture<ChangeAnswer> answer) {
        try {
            return answer.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw e;
        }
    }

    /**
     * The change's row holds the answer given, and it has one pending delivery (its timeline one PENDING step) and one
     * outbox message.
     */
    private void assertStoredWhole(ChangeView view) {
        Map<String, Object> change = jdbc.queryForMap(
                "select id, sequence, response::text as response from change where receipt = ?", view.receipt());
        UUID changeId = (UUID) change.get("id");
        assertThat(change.get("sequence")).isEqualTo(view.sequence());
        assertThat(json.readValue((String) change.get("response"), ChangeView.class))
                .isEqualTo(view);
        List<Map<String, Object>> deliveries = jdbc.queryForList(
                "select d.id, d.agency, d.status, (select count(*) from delivery_timeline e where e.delivery_id = d.id"
                        + " and e.status = 'PENDING') as pending_steps,"
                        + " (select count(*) from delivery_timeline e where e.delivery_id = d.id) as steps,"
                        + " (select count(*) from delivery_event e where e.delivery_id = d.id) as written_steps"
                        + " from delivery d where d.change_id = ?",
                changeId);
        assertThat(deliveries)
                .extracting(d -> d.get("agency"))
                .containsExactlyInAnyOrderElementsOf(
                        view.deliveries().stream().map(DeliveryView::agency).toList());
        assertThat(deliveries).allSatisfy(d -> {
            assertThat(d.get("status")).isEqualTo("PENDING");
            assertThat(d.get("steps")).isEqualTo(1L);
            assertThat(d.get("pending_steps")).isEqualTo(1L);
            // The timeline's first step is the delivery row itself (V13): the filing writes none.
            assertThat(d.get("written_steps")).isEqualTo(0L);
        });
        List<String> payloads =
                jdbc.queryForList("select payload::text from outbox where change_id = ?", String.class, changeId);
        assertThat(payloads).hasSize(1);
        JsonNode message = json.readTree(payloads.get(0));
        assertThat(message.get("receipt").stringValue()).isEqualTo(view.receipt());
        assertThat(message.get("sequence").asLong()).isEqualTo(view.sequence());
        Set<String> addressed = new HashSet<>();
        message.get("addressees")
                .values()
                .forEach(a -> addressed.add(a.get("deliveryId").stringValue()));
        assertThat(addressed)
                .isEqualTo(new HashSet<>(
                        deliveries.stream().map(d -> d.get("id").toString()).toList()));
    }

    private String subjectName(ChangeView view) {
        return jdbc.queryForObject("select subject_name from change where receipt = ?", String.class, view.receipt());
    }

    private static String soon() {
        return LocalDate.now(ChangeRequestReader.TAIWAN).plusDays(5).toString();
    }

    private static String yesterday() {
        return LocalDate.now(ChangeRequestReader.TAIWAN).minusDays(1).toString();
    }
}
