package tw.tongbao.adapters.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tw.tongbao.adapters.transport.EngineDatabase;
import tw.tongbao.core.change.ChangeType;
import tw.tongbao.core.envelope.ChangeFiled;
import tw.tongbao.core.fixtures.Changes;

/**
 * The changes' messages are committed on their own before the delivery transaction, against real PostgreSQL: another
 * inbox (another instance's) storing the same changes never waits for that transaction, and a failure between the two
 * commits loses nothing.
 */
class InboxMessagesIntegrationTests {

    private static final String AGENCY = EngineDatabase.AGENCY.code().value();
    private static final String OTHER = EngineDatabase.OTHER_AGENCY.code().value();

    @RegisterExtension
    static final EngineDatabase db = EngineDatabase.emptiedBeforeEach("inboxmsg");

    private static InboxWriter writer;

    @BeforeAll
    static void migrate() {
        writer = new InboxWriter(db.store, db.settlement, db.control, db.transactions, Clock.systemUTC());
    }

    @Test
    void anotherInboxsBatchIsStoredWhileOneInboxsDeliveryTransactionOfTheSameChangesIsOpen() throws Exception {
        List<ChangeFiled> changes = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            changes.add(Changes.filed(ChangeType.ADDRESS_CHANGE, "open-" + i, 1, Map.of(), AGENCY, OTHER));
        }
        CountDownLatch open = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService inboxes = Executors.newFixedThreadPool(2);
        try {
            // As the inbox consumer does: the messages on their own, then a transaction that stores the deliveries
            // and is still open (here until released).
            Future<?> held = inboxes.submit(() -> {
                List<InboxWriter.Received> batch = arrivals(changes, AGENCY);
                writer.storeMessages(batch);
                return db.transactions.execute(tx -> {
                    writer.storeDeliveries(EngineDatabase.AGENCY, batch);
                    open.countDown();
                    awaitQuietly(release);
                    return null;
                });
            });
            assertThat(open.await(30, TimeUnit.SECONDS)).isTrue();

            Future<Boolean> other =
                    inboxes.submit(() -> writer.storeAll(EngineDatabase.OTHER_AGENCY, arrivals(changes, OTHER)));

            assertThat(other.get(10, TimeUnit.SECONDS)).isTrue();
            release.countDown();
            held.get(30, TimeUnit.SECONDS);
        } finally {
            release.countDown();
            inboxes.shutdownNow();
        }
        assertThat(count("adapter_message")).isEqualTo(16);
        assertThat(count("adapter_delivery")).isEqualTo(32);
    }

    @Test
    void aMessageStoredBeforeItsDeliveryTransactionFailedIsReusedWhenTheMessageComesBack() {
        ChangeFiled change = Changes.filed(ChangeType.ADDRESS_CHANGE, "erin", 1, Map.of(), AGENCY, OTHER);
        String json = db.json.writeValueAsString(change);
        List<InboxWriter.Received> batch = List.of(arrival(change, AGENCY, json.getBytes(StandardCharsets.UTF_8)));

        writer.storeMessages(batch);
        assertThatThrownBy(() -> db.transactions.execute(tx -> {
                    writer.storeDeliveries(EngineDatabase.AGENCY, batch);
                    throw new IllegalStateException("the process dies before the commit");
                }))
                .hasMessageContaining("dies");

        // A message without deliveries: nothing claims it.
        assertThat(count("adapter_message")).isOne();
        assertThat(count("adapter_delivery")).isZero();
        Instant now = Instant.now();
        assertThat(db.claims.claim(AGENCY, 16, now, now.plusSeconds(60), UUID.randomUUID()))
                .isEmpty();

        // The unacknowledged message comes back: its row is reused and its delivery stored once.
        assertThat(writer.storeAll(EngineDatabase.AGENCY, batch)).isTrue();
        assertThat(writer.storeAll(EngineDatabase.AGENCY, batch)).isFalse();
        assertThat(count("adapter_message")).isOne();
        assertThat(count("adapter_delivery")).isOne();
        Instant later = Instant.now();
        assertThat(db.claims.claim(AGENCY, 16, later, later.plusSeconds(60), UUID.randomUUID()))
                .singleElement()
                .satisfies(claim -> assertThat(claim.messageJson()).isEqualTo(json));
    }

    @Test
    void messagesAreNotStoredInsideAnotherTransactionWhoseCommitTheyWouldWaitFor() {
        ChangeFiled change = Changes.filed(ChangeType.ADDRESS_CHANGE, "frank", 1, Map.of(), AGENCY);
        List<InboxWriter.Received> batch = arrivals(List.of(change), AGENCY);

        assertThatThrownBy(() -> db.transactions.execute(tx -> writer.storeAll(EngineDatabase.AGENCY, batch)))
                .isInstanceOf(IllegalStateException.class);

        assertThat(count("adapter_message")).isZero();
    }

    private static List<InboxWriter.Received> arrivals(List<ChangeFiled> changes, String agency) {
        return changes.stream()
                .map(change -> arrival(change, agency, db.json.writeValueAsBytes(change)))
                .toList();
    }

    private static InboxWriter.Received arrival(ChangeFiled change, String agency, byte[] json) {
        return new InboxWriter.Received(change, change.addresseeFor(agency).orElseThrow(), json);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long count(String table) {
        return db.jdbc.sql("SELECT count(*) FROM " + table).query(Long.class).single();
    }
}
