package tw.tongbao.adapters.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tw.tongbao.adapters.transport.AttemptResult;
import tw.tongbao.adapters.transport.DeliveryClaims;
import tw.tongbao.adapters.transport.DeliverySettlement;
import tw.tongbao.adapters.transport.EngineDatabase;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.answer.AgencyAnswer;
import tw.tongbao.core.change.ChangeType;
import tw.tongbao.core.envelope.ChangeFiled;
import tw.tongbao.core.fixtures.Changes;

/**
 * The inbox stores a batch with one statement per step against real PostgreSQL, and the batch ends as storing its
 * messages one after another would: supersession within the batch and against stored rows, redeliveries ignored.
 */
class InboxWriterIntegrationTests {

    private static final String AGENCY = EngineDatabase.AGENCY.code().value();

    @RegisterExtension
    static final EngineDatabase db = EngineDatabase.emptiedBeforeEach("inbox");

    private static InboxWriter writer;

    @BeforeAll
    static void migrate() {
        writer = new InboxWriter(db.store, db.settlement, db.control, db.transactions, Clock.systemUTC());
    }

    @Test
    void aNewerChangeInTheSameBatchSupersedesTheOlderWhicheverComesFirst() {
        ChangeFiled older = change("alice", 1, ChangeType.ADDRESS_CHANGE);
        ChangeFiled newer = change("alice", 2, ChangeType.ADDRESS_CHANGE);
        ChangeFiled otherType = change("alice", 3, ChangeType.NAME_CHANGE);
        ChangeFiled laterOlder = change("bob", 4, ChangeType.ADDRESS_CHANGE);
        ChangeFiled earlierNewer = change("bob", 5, ChangeType.ADDRESS_CHANGE);

        assertThat(writer.storeAll(EngineDatabase.AGENCY, received(older, newer, otherType, earlierNewer, laterOlder)))
                .isTrue();

        assertThat(status(older)).isEqualTo("SUPERSEDED");
        assertThat(status(newer)).isEqualTo("PENDING");
        assertThat(status(otherType)).isEqualTo("PENDING");
        assertThat(status(laterOlder)).isEqualTo("SUPERSEDED");
        assertThat(status(earlierNewer)).isEqualTo("PENDING");
        assertThat(reportsOf(older)).containsExactly("SUPERSEDED@1");
        assertThat(reportsOf(laterOlder)).containsExactly("SUPERSEDED@1");
    }

    @Test
    void aRedeliveryInTheSameOrALaterBatchIsStoredOnce() {
        ChangeFiled change = change("carol", 1, ChangeType.ADDRESS_CHANGE);

        assertThat(writer.storeAll(EngineDatabase.AGENCY, received(change, change)))
                .isTrue();
        assertThat(writer.storeAll(EngineDatabase.AGENCY, received(change))).isFalse();

        assertThat(db.jdbc
                        .sql("SELECT count(*) FROM adapter_delivery")
                        .query(Long.class)
                        .single())
                .isEqualTo(1L);
        assertThat(status(change)).isEqualTo("PENDING");
    }

    @Test
    void aDeliveryInFlightIsNotSupersededByANewerArrival() {
        ChangeFiled sent = change("dave", 1, ChangeType.ADDRESS_CHANGE);
        writer.storeAll(EngineDatabase.AGENCY, received(sent));
        Instant now = Instant.now();
        UUID instance = UUID.randomUUID();
        db.jdbc
                .sql("INSERT INTO adapter_instance (instance_id, host, started_at, heartbeat_at)"
                        + " VALUES (:id, 'test', now(), now())")
                .param("id", instance)
                .update();
        assertThat(db.claims.claim(AGENCY, 1, now, now.plusSeconds(120), instance))
                .hasSize(1);

        writer.storeAll(EngineDatabase.AGENCY, received(change("dave", 2, ChangeType.ADDRESS_CHANGE)));

        assertThat(status(sent)).isEqualTo("PENDING");
    }

    @Test
    void aBatchEndsAsStoringItsMessagesOneByOneWould() {
        List<ChangeFiled> changes = new ArrayList<>();
        Random random = new Random(7);
        ChangeType[] types = {ChangeType.ADDRESS_CHANGE, ChangeType.NAME_CHANGE};
        for (int i = 0; i < 40; i++) {
            ChangeFiled change = change("s" + random.nextInt(4), 1 + random.nextInt(30), types[random.nextInt(2)]);
            changes.add(change);
            if (random.nextInt(5) == 0) {
                changes.add(change);
            }
        }
        List<InboxWriter.Received> all = received(changes.toArray(ChangeFiled[]::new));

        for (int from = 0; from < all.size(); from += 16) {
            writer.storeAll(EngineDatabase.AGENCY, all.subList(from, Math.min(all.size(), from + 16)));
        }
        Map<UUID, String> batched = db.outcomes();
        db.empty();
        for (InboxWriter.Received one : all) {
            writer.store(EngineDatabase.AGENCY, one);
        }

        assertThat(batched).isEqualTo(db.outcomes()).isNotEmpty();
        assertThat(batched.values()).anyMatch(row -> row.startsWith("SUPERSEDED"));
    }

    @Test
    void storingBatchesWhileTheSameSubjectsSettleInBatchesNeverDeadlocks() throws Exception {
        UUID instance = UUID.randomUUID();
        db.jdbc
                .sql("INSERT INTO adapter_instance (instance_id, host, started_at, heartbeat_at)"
                        + " VALUES (:id, 'test', now(), now() + interval '1 hour')")
                .param("id", instance)
                .update();
        ChangeType[] types = {ChangeType.ADDRESS_CHANGE, ChangeType.NAME_CHANGE, ChangeType.CONTACT_CHANGE};
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(4).toNanos();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicInteger settled = new java.util.concurrent.atomic.AtomicInteger();
        Thread inbox = new Thread(() -> {
            Random random = new Random(11);
            long sequence = 0;
            while (System.nanoTime() < deadline && failures.isEmpty()) {
                List<ChangeFiled> batch = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    batch.add(change("x" + random.nextInt(8), ++sequence, types[random.nextInt(3)]));
                }
                try {
                    writer.storeAll(EngineDatabase.AGENCY, received(batch.toArray(ChangeFiled[]::new)));
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            }
        });
        Thread settling = new Thread(() -> {
            while (System.nanoTime() < deadline && failures.isEmpty()) {
                Instant now = Instant.now();
                try {
                    List<DeliverySettlement.Finished> finished = new ArrayList<>();
                    for (DeliveryClaims.Claim claim : db.claims.claim(AGENCY, 16, now, now.plusSeconds(60), instance)) {
                        finished.add(new DeliverySettlement.Finished(
                                claim.delivery(),
                                new AttemptResult(AgencyAnswer.DELIVERED, now, 3, 200, null, null, null)));
                    }
                    if (!finished.isEmpty()) {
                        settled.addAndGet(db.settlement
                                .settleAll(EngineDatabase.AGENCY, finished)
                                .size());
                    }
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            }
        });
        inbox.start();
        settling.start();
        inbox.join();
        settling.join();

        assertThat(failures).isEmpty();
        assertThat(settled.get()).isGreaterThan(16);
    }

    @Test
    void storesAChangesMessageOnceForAllItsAgenciesAndEachAgencysClaimReadsIt() {
        Agency other = EngineDatabase.OTHER_AGENCY;
        ChangeFiled change = Changes.filed(ChangeType.ADDRESS_CHANGE, "carol", 1, Map.of(), AGENCY, "NTA");
        String json = db.json.writeValueAsString(change);
        byte[] body = json.getBytes(StandardCharsets.UTF_8);

        writer.storeAll(EngineDatabase.AGENCY, List.of(arrival(change, AGENCY, body)));
        writer.storeAll(other, List.of(arrival(change, "NTA", body)));
        writer.storeAll(other, List.of(arrival(change, "NTA", body)));

        assertThat(db.jdbc
                        .sql("SELECT count(*) FROM adapter_message")
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        Instant now = Instant.now();
        for (String agency : List.of(AGENCY, "NTA")) {
            assertThat(db.claims.claim(agency, 16, now, now.plusSeconds(60), UUID.randomUUID()))
                    .singleElement()
                    .satisfies(claim -> assertThat(claim.messageJson()).isEqualTo(json));
        }
    }

    @Test
    void agenciesStoringTheSameChangesInOppositeOrdersAtOnceNeitherDeadlockNorStoreAMessageTwice() throws Exception {
        Agency other = EngineDatabase.OTHER_AGENCY;
        List<ChangeFiled> changes = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            changes.add(Changes.filed(ChangeType.ADDRESS_CHANGE, "subject-" + i, 1, Map.of(), AGENCY, "NTA"));
        }
        CyclicBarrier together = new CyclicBarrier(2);
        ExecutorService inboxes = Executors.newFixedThreadPool(2);
        try {
            Future<?> forward = inboxes.submit(() -> storeInBatches(EngineDatabase.AGENCY, changes, together));
            List<ChangeFiled> reversed = new ArrayList<>(changes);
            Collections.reverse(reversed);
            Future<?> backward = inboxes.submit(() -> storeInBatches(other, reversed, together));
            forward.get(60, TimeUnit.SECONDS);
            backward.get(60, TimeUnit.SECONDS);
        } finally {
            inboxes.shutdownNow();
        }

        assertThat(db.jdbc
                        .sql("SELECT count(*) FROM adapter_message")
                        .query(Long.class)
                        .single())
                .isEqualTo(64);
        assertThat(db.jdbc
                        .sql("SELECT count(*) FROM adapter_delivery")
                        .query(Long.class)
                        .single())
                .isEqualTo(128);
    }

    /** Stores the changes for one agency in batches of 16, each started together with the other thread's. */
    private static Void storeInBatches(Agency agency, List<ChangeFiled> changes, CyclicBarrier together)
            throws Exception {
        String code = agency.code().value();
        for (int from = 0; from < changes.size(); from += 16) {
            List<InboxWriter.Received> batch = new ArrayList<>();
            for (ChangeFiled change : changes.subList(from, from + 16)) {
                batch.add(arrival(change, code, db.json.writeValueAsBytes(change)));
            }
            together.await(30, TimeUnit.SECONDS);
            writer.storeAll(agency, batch);
        }
        return null;
    }

    private static InboxWriter.Received arrival(ChangeFiled change, String agency, byte[] json) {
        return new InboxWriter.Received(change, change.addresseeFor(agency).orElseThrow(), json);
    }

    private static ChangeFiled change(String subject, long sequence, ChangeType type) {
        return Changes.filed(type, subject, sequence, Map.of(), AGENCY);
    }

    private static List<InboxWriter.Received> received(ChangeFiled... changes) {
        List<InboxWriter.Received> received = new ArrayList<>();
        for (ChangeFiled change : changes) {
            received.add(new InboxWriter.Received(
                    change, change.addresseeFor(AGENCY).orElseThrow(), db.json.writeValueAsBytes(change)));
        }
        return received;
    }

    private static String status(ChangeFiled change) {
        return db.jdbc
                .sql("SELECT status FROM adapter_delivery WHERE delivery_id = :id")
                .param("id", change.addresseeFor(AGENCY).orElseThrow().deliveryId())
                .query(String.class)
                .single();
    }

    private static List<String> reportsOf(ChangeFiled change) {
        return db.jdbc
                .sql("SELECT (body::jsonb->>'status') || '@' || (body::jsonb->>'revision') FROM report_outbox"
                        + " WHERE delivery_id = :id ORDER BY id")
                .param("id", change.addresseeFor(AGENCY).orElseThrow().deliveryId())
                .query(String.class)
                .list();
    }
}
