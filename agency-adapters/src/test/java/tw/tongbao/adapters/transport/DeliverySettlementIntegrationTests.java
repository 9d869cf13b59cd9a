package tw.tongbao.adapters.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.answer.AgencyAnswer;
import tw.tongbao.core.change.ChangeType;
import tw.tongbao.core.delivery.DeliveryStatus;

/**
 * Settling many tries of one agency together, against real PostgreSQL: the rows and reports are those that settling
 * them one by one would write, a row that moved on is left alone, and a cancel asked for during a try still wins.
 */
class DeliverySettlementIntegrationTests {

    private static final String AGENCY = EngineDatabase.AGENCY.code().value();

    @RegisterExtension
    static final EngineDatabase db = EngineDatabase.emptiedBeforeEach("settle");

    @Test
    void manyTriesFinishingAtOnceSettleInAFewTransactionsWithTheirOwnResultAndOneReportEach() throws Exception {
        List<AdapterDelivery> claimed = claimed(60);
        CountingSettlement settlement = new CountingSettlement();
        Settled settled = new Settled();
        CountDownLatch gate = new CountDownLatch(1);
        SettlementQueue queue = queue(settlement, settled, 16, Duration.ZERO, gated(gate));
        // Six threads finish tries at once, as an agency's call threads do, while the settling thread is still busy.
        ExecutorService callers = Executors.newFixedThreadPool(6);
        for (int t = 0; t < 6; t++) {
            int first = t * 10;
            callers.execute(() -> {
                for (int i = first; i < first + 10; i++) {
                    queue.add(new DeliverySettlement.Finished(claimed.get(i), result(answerFor(i))));
                }
            });
        }
        callers.shutdown();
        assertThat(callers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(queue.backlog()).isEqualTo(60);
        gate.countDown();

        await().atMost(Duration.ofSeconds(10)).until(() -> settled.byId.size() == 60);
        queue.stop();
        queue.awaitStopped(System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
        assertThat(settled.batches.get()).as("batches of at most 16").isEqualTo(4);
        assertThat(settlement.transactions.get()).isEqualTo(4);
        assertThat(queue.backlog()).isZero();
        for (int i = 0; i < 60; i++) {
            AdapterDelivery before = claimed.get(i);
            DeliveryStatus expected = statusFor(i);
            assertThat(settled.byId.get(before.deliveryId()).status()).isEqualTo(expected);
            assertThat(row(before.deliveryId()))
                    .containsEntry("status", expected.name())
                    .containsEntry("revision", 1L)
                    .containsEntry("attempts", 1)
                    .containsEntry("lease_until", null);
            List<JsonNode> reports = reports(before.deliveryId());
            assertThat(reports).hasSize(1);
            assertThat(reports.get(0).get("status").asString()).isEqualTo(expected.name());
            assertThat(reports.get(0).get("revision").asLong()).isEqualTo(1);
            assertThat(reports.get(0).get("attempt").get("number").asInt()).isEqualTo(1);
        }
        assertThat(db.jdbc
                        .sql("SELECT count(*) FROM report_outbox")
                        .query(Long.class)
                        .single())
                .as("one report per settled try, no alert (nothing was parked)")
                .isEqualTo(60L);
    }

    @Test
    void eachLaterSettlementOfADeliveryReportsAHigherRevision() {
        List<AdapterDelivery> claimed = claimed(2);
        AdapterDelivery retrying = db.settlement
                .settleAll(EngineDatabase.AGENCY, finished(claimed, AgencyAnswer.TRANSIENT_FAILURE))
                .get(0);
        assertThat(retrying.status()).isEqualTo(DeliveryStatus.RETRYING);

        List<AdapterDelivery> delivered = db.settlement.settleAll(
                EngineDatabase.AGENCY,
                List.of(new DeliverySettlement.Finished(retrying, result(AgencyAnswer.DELIVERED))));

        assertThat(delivered.get(0).status()).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(reports(retrying.deliveryId()))
                .extracting(report -> report.get("status").asString() + "@"
                        + report.get("revision").asLong())
                .containsExactly("RETRYING@1", "DELIVERED@2");
    }

    @Test
    void aRowThatMovedOnDuringTheTryIsNotOverwrittenWhileTheRestOfTheBatchSettles() {
        List<AdapterDelivery> claimed = claimed(3);
        AdapterDelivery moved = claimed.get(1);
        db.transactions.execute(
                tx -> db.settlement.record(moved, moved.parked(null, "parked by operator"), null, Instant.now()));

        List<AdapterDelivery> after =
                db.settlement.settleAll(EngineDatabase.AGENCY, finished(claimed, AgencyAnswer.DELIVERED));

        assertThat(after.get(1)).isNull();
        assertThat(after.get(0).status()).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(after.get(2).status()).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(row(moved.deliveryId()))
                .containsEntry("status", "PARKED")
                .containsEntry("reason", "parked by operator")
                .containsEntry("revision", 1L)
                .containsEntry("attempts", 0);
        assertThat(reports(moved.deliveryId()))
                .extracting(report -> report.get("status").asString())
                .containsExactly("PARKED");
    }

    @Test
    void aCancelAskedForDuringTheTryWinsOverAFailureButNotOverADelivery() {
        List<AdapterDelivery> claimed = claimed(2);
        AdapterDelivery failing = claimed.get(0);
        AdapterDelivery delivering = claimed.get(1);
        assertThat(db.operator.requestCancel(failing, "cancelled by operator op-1"))
                .isTrue();
        assertThat(db.operator.requestCancel(delivering, "cancelled by operator op-1"))
                .isTrue();

        List<AdapterDelivery> after = db.settlement.settleAll(
                EngineDatabase.AGENCY,
                List.of(
                        new DeliverySettlement.Finished(failing, result(AgencyAnswer.TRANSIENT_FAILURE)),
                        new DeliverySettlement.Finished(delivering, result(AgencyAnswer.DELIVERED))));

        assertThat(after.get(0).status()).isEqualTo(DeliveryStatus.CANCELLED);
        assertThat(after.get(0).reason()).contains("op-1");
        assertThat(after.get(1).status()).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(row(failing.deliveryId()))
                .containsEntry("status", "CANCELLED")
                .containsEntry("attempts", 1)
                .containsEntry("cancel_reason", null);
        assertThat(row(delivering.deliveryId()))
                .containsEntry("status", "DELIVERED")
                .containsEntry("cancel_reason", null);
        assertThat(reports(failing.deliveryId()).get(0).get("attempt")).isNotNull();
    }

    @Test
    void aBatchThatCannotBeWrittenIsSettledOneTryAtATime() {
        List<AdapterDelivery> claimed = claimed(4);
        CountingSettlement settlement = new CountingSettlement() {
            @Override
            public List<AdapterDelivery> settleAll(Agency agency, List<Finished> finished) {
                // Writes the whole batch, then fails before the commit: nothing of it stays.
                return db.transactions.execute(tx -> {
                    super.settleAll(agency, finished);
                    throw new IllegalStateException("the batch failed before its commit");
                });
            }
        };
        Settled settled = new Settled();
        CountDownLatch gate = new CountDownLatch(1);
        SettlementQueue queue = queue(settlement, settled, 16, Duration.ZERO, gated(gate));
        for (AdapterDelivery delivery : claimed) {
            queue.add(new DeliverySettlement.Finished(delivery, result(AgencyAnswer.DELIVERED)));
        }
        gate.countDown();

        await().atMost(Duration.ofSeconds(10)).until(() -> settled.byId.size() == 4);
        queue.stop();
        queue.awaitStopped(System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
        assertThat(settlement.transactions.get())
                .as("the failed batch, then one per try")
                .isEqualTo(5);
        assertThat(settled.byId.values())
                .allSatisfy(after -> assertThat(after.status()).isEqualTo(DeliveryStatus.DELIVERED));
        for (AdapterDelivery delivery : claimed) {
            assertThat(row(delivery.deliveryId()))
                    .containsEntry("status", "DELIVERED")
                    .containsEntry("revision", 1L);
            assertThat(reports(delivery.deliveryId())).hasSize(1);
        }
    }

    @Test
    void a410SettledWithOtherTriesLeavesTheirResultsAndParksWhatIsStillOpen() {
        List<AdapterDelivery> claimed = claimed(2);
        AdapterDelivery waiting = db.arrive("waiting", 1, ChangeType.NAME_CHANGE);
        Settled settled = new Settled();
        CountDownLatch gate = new CountDownLatch(1);
        SettlementQueue queue = queue(db.settlement, settled, 16, Duration.ZERO, gated(gate));
        queue.add(new DeliverySettlement.Finished(claimed.get(0), result(AgencyAnswer.AGENCY_DISABLED)));
        queue.add(new DeliverySettlement.Finished(claimed.get(1), result(AgencyAnswer.DELIVERED)));
        gate.countDown();

        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> settled.byId.size() == 2);
            queue.stop();
            queue.awaitStopped(System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
            assertThat(row(claimed.get(1).deliveryId())).containsEntry("status", "DELIVERED");
            assertThat(row(claimed.get(0).deliveryId()))
                    .containsEntry("status", "PARKED")
                    .containsEntry("attempts", 1);
            assertThat(row(waiting.deliveryId()))
                    .containsEntry("status", "PARKED")
                    .containsEntry("attempts", 0);
            assertThat(db.control.state(AGENCY).disabled()).isTrue();
        } finally {
            db.control.enable(AGENCY);
        }
    }

    private List<AdapterDelivery> claimed(int count) {
        for (int i = 0; i < count; i++) {
            db.arrive("subject-" + i, 1, ChangeType.ADDRESS_CHANGE);
        }
        Instant now = Instant.now();
        List<AdapterDelivery> claimed = new ArrayList<>();
        for (DeliveryClaims.Claim claim :
                db.claims.claim(AGENCY, count, now, now.plusSeconds(120), UUID.randomUUID())) {
            claimed.add(claim.delivery());
        }
        assertThat(claimed).hasSize(count);
        claimed.sort(
                Comparator.comparingInt(d -> Integer.parseInt(d.subjectRef().substring("subject-".length()))));
        return claimed;
    }

    private static List<DeliverySettlement.Finished> finished(List<AdapterDelivery> claimed, AgencyAnswer answer) {
        return claimed.stream()
                .map(delivery -> new DeliverySettlement.Finished(delivery, result(answer)))
                .toList();
    }

    private static AgencyAnswer answerFor(int i) {
        return switch (i % 3) {
            case 0 -> AgencyAnswer.DELIVERED;
            case 1 -> AgencyAnswer.TRANSIENT_FAILURE;
            default -> AgencyAnswer.REJECTED;
        };
    }

    private static DeliveryStatus statusFor(int i) {
        return switch (i % 3) {
            case 0 -> DeliveryStatus.DELIVERED;
            case 1 -> DeliveryStatus.RETRYING;
            default -> DeliveryStatus.REJECTED;
        };
    }

    private static AttemptResult result(AgencyAnswer answer) {
        Integer status = switch (answer) {
            case DELIVERED -> 200;
            case REJECTED -> 400;
            case AGENCY_DISABLED -> 410;
            default -> 503;
        };
        return new AttemptResult(answer, Instant.now(), 12, status, null, null, null);
    }

    private static Map<String, Object> row(UUID deliveryId) {
        return db.jdbc
                .sql("SELECT status, revision, attempts, reason, lease_until, cancel_reason FROM adapter_delivery"
                        + " WHERE delivery_id = :id")
                .param("id", deliveryId)
                .query()
                .singleRow();
    }

    private static List<JsonNode> reports(UUID deliveryId) {
        return db
                .jdbc
                .sql("SELECT body::text FROM report_outbox WHERE delivery_id = :id ORDER BY id")
                .param("id", deliveryId)
                .query(String.class)
                .list()
                .stream()
                .map(db.json::readTree)
                .toList();
    }

    @Test
    void triesFinishingWithinTheLingerAreSettledInOneTransaction() {
        List<AdapterDelivery> claimed = claimed(3);
        CountingSettlement settlement = new CountingSettlement();
        Settled settled = new Settled();
        SettlementQueue queue = lingering(settlement, settled, 16, Duration.ofSeconds(1));

        // One at a time, as a claim's tries finish: the first waits the linger for the others.
        for (AdapterDelivery delivery : claimed) {
            queue.add(new DeliverySettlement.Finished(delivery, result(AgencyAnswer.DELIVERED)));
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> settled.byId.size() == 3);
        assertThat(settlement.transactions.get()).isEqualTo(1);
        assertThat(settled.batches.get()).isEqualTo(1);
        queue.stop();
    }

    @Test
    void aFullBatchIsSettledWithoutTheLingerAndAStopSettlesWhatStillLingers() {
        List<AdapterDelivery> claimed = claimed(5);
        CountingSettlement settlement = new CountingSettlement();
        Settled settled = new Settled();
        SettlementQueue queue = lingering(settlement, settled, 4, Duration.ofMinutes(10));

        for (int i = 0; i < 4; i++) {
            queue.add(new DeliverySettlement.Finished(claimed.get(i), result(AgencyAnswer.DELIVERED)));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> settled.byId.size() == 4);
        assertThat(settlement.transactions.get()).isEqualTo(1);

        queue.add(new DeliverySettlement.Finished(claimed.get(4), result(AgencyAnswer.DELIVERED)));
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> settled.byId.size() == 4);

        // A stop settles it now, not once its ten minutes are over.
        queue.stop();
        queue.awaitStopped(System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
        assertThat(settled.byId).hasSize(5);
        assertThat(settlement.transactions.get()).isEqualTo(2);
        assertThat(row(claimed.get(4).deliveryId())).containsEntry("status", "DELIVERED");
    }

    /** A queue on threads of its own (not gated) whose tries wait {@code linger} for others. */
    private static SettlementQueue lingering(
            CountingSettlement settlement, Settled settled, int batchSize, Duration linger) {
        return queue(settlement, settled, batchSize, linger, Executors.defaultThreadFactory());
    }

    /** A queue of the test's agency that tells {@code settled} what it settled and counts its batches. */
    private static SettlementQueue queue(
            DeliverySettlement settlement, Settled settled, int batchSize, Duration linger, ThreadFactory threads) {
        return new SettlementQueue(
                EngineDatabase.AGENCY,
                settlement,
                batchSize,
                linger,
                settled::put,
                settled.batches::incrementAndGet,
                threads);
    }

    /** Threads that start work only once {@code gate} opens, so that what is queued before is settled together. */
    private static ThreadFactory gated(CountDownLatch gate) {
        return work -> {
            Thread thread = new Thread(
                    () -> {
                        try {
                            gate.await(10, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        work.run();
                    },
                    "settle-test");
            thread.setDaemon(true);
            return thread;
        };
    }

    /** What a queue reported settled, and how many batches it ran. */
    private static final class Settled {
        final Map<UUID, AdapterDelivery> byId = new ConcurrentHashMap<>();
        final AtomicInteger batches = new AtomicInteger();

        void put(DeliverySettlement.Finished finished, AdapterDelivery after) {
            byId.put(finished.claimed().deliveryId(), after);
        }
    }

    /** The real settlement, counting its transactions. */
    private static class CountingSettlement extends DeliverySettlement {

        final AtomicInteger transactions = new AtomicInteger();

        CountingSettlement() {
            super(
                    db.store,
                    db.reports,
                    db.control,
                    new AnswerPolicy(new RetryPolicy(0.2, Duration.ofHours(1), RandomGenerator.getDefault())),
                    db.transactions,
                    Clock.systemUTC());
        }

        @Override
        public List<AdapterDelivery> settleAll(Agency agency, List<Finished> finished) {
            transactions.incrementAndGet();
            return super.settleAll(agency, finished);
        }

        @Override
        public AdapterDelivery settle(Agency agency, AdapterDelivery claimed, AttemptResult result) {
            transactions.incrementAndGet();
            return super.settle(agency, claimed, result);
        }
    }
}
