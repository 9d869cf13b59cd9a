package tw.tongbao.adapters.transport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.answer.AgencyAnswer;

/**
 * One agency's finished tries waiting to be settled, settled on a thread of their own (so a slow claim never holds
 * them up) and together: a try waits up to the linger for others (a full batch goes at once), and what finished while
 * the last transaction ran goes into the next one. A batch that fails is settled again one try at a time, so one bad
 * row costs only its own try; a 410 is always settled alone.
 */
final class SettlementQueue {

    private static final Logger log = LoggerFactory.getLogger(SettlementQueue.class);

    private final Agency agency;
    private final DeliverySettlement settlement;
    private final int batchSize;
    private final long lingerNanos;
    private final BiConsumer<DeliverySettlement.Finished, AdapterDelivery> settled;
    private final Runnable afterBatch;
    private final Queue<DeliverySettlement.Finished> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicBoolean drainPending = new AtomicBoolean();
    private final ScheduledThreadPoolExecutor thread;

    /**
     * @param linger how long a try waits for others before it is settled (unless a full batch is waiting)
     * @param settled told of each settled try, with the delivery as stored (null when the row had moved on)
     * @param afterBatch run after each batch
     */
    SettlementQueue(
            Agency agency,
            DeliverySettlement settlement,
            int batchSize,
            Duration linger,
            BiConsumer<DeliverySettlement.Finished, AdapterDelivery> settled,
            Runnable afterBatch,
            ThreadFactory threads) {
        this.agency = agency;
        this.settlement = settlement;
        this.batchSize = batchSize;
        this.lingerNanos = linger.toNanos();
        this.settled = settled;
        this.afterBatch = afterBatch;
        this.thread = new ScheduledThreadPoolExecutor(1, threads);
        // A stop settles what lingers at once (see stop), not when its linger is over.
        this.thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /** Queues a finished try for settling soon: after the linger, or at once when it completes a batch. */
    void add(DeliverySettlement.Finished finished) {
        waiting.add(finished);
        int queued = size.incrementAndGet();
        try {
            if (queued == batchSize) {
                thread.execute(this::drain);
            } else if (drainPending.compareAndSet(false, true)) {
                thread.schedule(this::drain, lingerNanos, TimeUnit.NANOSECONDS);
            }
        } catch (RejectedExecutionException e) {
            drainPending.set(false);
        }
    }

    /** Finished tries not yet settled. */
    int backlog() {
        return size.get();
    }

    /**
     * Settles what is queued already, without waiting for the linger, takes nothing more, and stops; see
     * {@link #awaitStopped}.
     */
    void stop() {
        try {
            thread.execute(this::drain);
        } catch (RejectedExecutionException e) {
            // Stopped before.
        }
        thread.shutdown();
    }

    /** Waits until the queued tries are settled, at most until {@code deadlineNanos} ({@link System#nanoTime()}). */
    void awaitStopped(long deadlineNanos) {
        try {
            if (!thread.awaitTermination(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            thread.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private void drain() {
        drainPending.set(false);
        List<DeliverySettlement.Finished> batch;
        while (!(batch = next()).isEmpty()) {
            settle(batch);
        }
    }

    private List<DeliverySettlement.Finished> next() {
        List<DeliverySettlement.Finished> batch = new ArrayList<>();
        DeliverySettlement.Finished finished;
        while (batch.size() < batchSize && (finished = waiting.poll()) != null) {
            batch.add(finished);
            size.decrementAndGet();
        }
        return batch;
    }

    private void settle(List<DeliverySettlement.Finished> batch) {
        List<DeliverySettlement.Finished> together = new ArrayList<>(batch.size());
        List<DeliverySettlement.Finished> alone = new ArrayList<>();
        for (DeliverySettlement.Finished finished : batch) {
            // A 410 parks every open delivery of the agency; settled after the rest, it cannot undo their results.
            (finished.result().answer() == AgencyAnswer.AGENCY_DISABLED ? alone : together).add(finished);
        }
        if (together.size() == 1) {
            alone.add(0, together.remove(0));
        }
        List<AdapterDelivery> after = List.of();
        if (!together.isEmpty()) {
            try {
                after = settlement.settleAll(agency, together);
            } catch (RuntimeException e) {
                log.warn(
                        "could not settle {} tries of {} together, settling them one by one: {}",
                        together.size(),
                        agency.code(),
                        e.toString());
                alone.addAll(0, together);
            }
        }
        for (int i = 0; i < after.size(); i++) {
            settled.accept(together.get(i), after.get(i));
        }
        alone.forEach(this::settleAlone);
        afterBatch.run();
    }

    private void settleAlone(DeliverySettlement.Finished finished) {
        AdapterDelivery delivery = finished.claimed();
        try {
            settled.accept(finished, settlement.settle(agency, delivery, finished.result()));
        } catch (RuntimeException e) {
            log.warn(
                    "could not record the try of delivery {} for {} (receipt {}); its lease will lapse and it is"
                            + " tried again: {}",
                    delivery.deliveryId(),
                    agency.code(),
                    delivery.receipt(),
                    e.toString());
        }
    }
}
