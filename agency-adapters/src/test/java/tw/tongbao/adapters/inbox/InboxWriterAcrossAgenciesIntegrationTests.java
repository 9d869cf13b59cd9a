package tw.tongbao.adapters.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
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
 * One delivery transaction for a batch of several agencies, against real PostgreSQL: it ends as storing each agency's
 * part on its own would, and two inboxes storing such batches (two instances) while each agency's settlement runs on
 * the same subjects never deadlock.
 */
class InboxWriterAcrossAgenciesIntegrationTests {

    private static final Agency NHIA = EngineDatabase.AGENCY;
    private static final Agency NTA = EngineDatabase.OTHER_AGENCY;
    private static final ChangeType[] TYPES = {ChangeType.ADDRESS_CHANGE, ChangeType.NAME_CHANGE};

    @RegisterExtension
    static final EngineDatabase db = EngineDatabase.emptiedBeforeEach("inboxspan");

    private static InboxWriter writer;

    @BeforeAll
    static void writer() {
        writer = new InboxWriter(db.store, db.settlement, db.control, db.transactions, Clock.systemUTC());
    }

    @Test
    void aBatchOfSeveralAgenciesEndsAsStoringEachAgencysPartAloneWould() {
        List<ChangeFiled> changes = new ArrayList<>();
        Random random = new Random(5);
        for (int i = 0; i < 48; i++) {
            ChangeFiled change = Changes.filed(
                    TYPES[random.nextInt(2)], "s" + random.nextInt(4), 1 + random.nextInt(30), Map.of(), "NHIA", "NTA");
            changes.add(change);
            if (random.nextInt(5) == 0) {
                changes.add(change);
            }
        }

        for (int from = 0; from < changes.size(); from += 16) {
            Map<Agency, List<InboxWriter.Received>> batch =
                    batch(changes.subList(from, Math.min(changes.size(), from + 16)), NTA, NHIA);
            writer.storeMessages(batch.values().stream().flatMap(List::stream).toList());
            assertThat(writer.storeDeliveries(batch)).isNotEmpty();
        }
        Map<UUID, String> together = db.outcomes();
        db.empty();
        for (Agency agency : List.of(NHIA, NTA)) {
            for (InboxWriter.Received one : batch(changes, agency).get(agency)) {
                writer.store(agency, one);
            }
        }

        assertThat(together).isEqualTo(db.outcomes()).hasSize(2 * 48);
        assertThat(together.values()).anyMatch(row -> row.startsWith("SUPERSEDED"));
    }

    @Test
    void twoInboxesStoringBatchesOfBothAgenciesWhileEachAgencySettlesNeverDeadlock() throws Exception {
        UUID instance = UUID.randomUUID();
        db.jdbc
                .sql("INSERT INTO adapter_instance (instance_id, host, started_at, heartbeat_at)"
                        + " VALUES (:id, 'test', now(), now() + interval '1 hour')")
                .param("id", instance)
                .update();
        long deadline = System.nanoTime() + Duration.ofSeconds(4).toNanos();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        AtomicInteger settled = new AtomicInteger();
        AtomicInteger sequence = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int seed : new int[] {11, 12}) {
            threads.add(new Thread(() -> {
                Random random = new Random(seed);
                while (System.nanoTime() < deadline && failures.isEmpty()) {
                    List<ChangeFiled> changes = new ArrayList<>();
                    for (int i = 0; i < 8; i++) {
                        changes.add(Changes.filed(
                                TYPES[random.nextInt(2)],
                                "x" + random.nextInt(6),
                                sequence.incrementAndGet(),
                                Map.of(),
                                "NHIA",
                                "NTA"));
                    }
                    // The two inboxes list the agencies in opposite orders: the writer's own order must prevail.
                    Map<Agency, List<InboxWriter.Received>> batch =
                            seed % 2 == 0 ? batch(changes, NHIA, NTA) : batch(changes, NTA, NHIA);
                    try {
                        writer.storeMessages(
                                batch.values().stream().flatMap(List::stream).toList());
                        writer.storeDeliveries(batch);
                    } catch (RuntimeException e) {
                        failures.add(e);
                    }
                }
            }));
        }
        for (Agency agency : List.of(NHIA, NTA)) {
            threads.add(new Thread(() -> {
                while (System.nanoTime() < deadline && failures.isEmpty()) {
                    Instant now = Instant.now();
                    try {
                        List<DeliverySettlement.Finished> finished = new ArrayList<>();
                        for (DeliveryClaims.Claim claim :
                                db.claims.claim(agency.code().value(), 16, now, now.plusSeconds(60), instance)) {
                            finished.add(new DeliverySettlement.Finished(
                                    claim.delivery(),
                                    new AttemptResult(AgencyAnswer.DELIVERED, now, 3, 200, null, null, null)));
                        }
                        if (!finished.isEmpty()) {
                            settled.addAndGet(
                                    db.settlement.settleAll(agency, finished).size());
                        }
                    } catch (RuntimeException e) {
                        failures.add(e);
                    }
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }

        assertThat(failures).isEmpty();
        assertThat(settled.get()).isGreaterThan(32);
    }

    /** The changes' entries for each agency, the agencies in the given order, each in the changes' order. */
    private static Map<Agency, List<InboxWriter.Received>> batch(List<ChangeFiled> changes, Agency... agencies) {
        Map<Agency, List<InboxWriter.Received>> batch = new LinkedHashMap<>();
        for (Agency agency : agencies) {
            List<InboxWriter.Received> received = new ArrayList<>();
            for (ChangeFiled change : changes) {
                received.add(new InboxWriter.Received(
                        change,
                        change.addresseeFor(agency.code().value()).orElseThrow(),
                        db.json.writeValueAsBytes(change)));
            }
            batch.put(agency, received);
        }
        return batch;
    }
}
