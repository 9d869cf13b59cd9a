package tw.tongbao.gateway.citizen;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tw.tongbao.core.envelope.Addressee;

/**
 * Group commit for filings: a request queues its filing and is answered when the filing's future completes, holding no
 * thread meanwhile; a writer thread takes everything queued (up to {@code batchSize}) and files it in one transaction,
 * so concurrent filings share one commit, while a lone filing is taken the moment it arrives. A batch that fails is
 * rolled back and each of its filings tried alone, so only the one at fault fails, with the error it would have had
 * alone. Each subject belongs to one writer, so filings about it are numbered in the order they queued. A full queue
 * refuses a filing at once (503); stopping files everything queued before it ends.
 */
@Component
class FilingBatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(FilingBatcher.class);

    /** Queued behind the last filing when stopping: the writer files what came before it, then ends. */
    private static final Pending STOP = new Pending(null, new CompletableFuture<>());

    /** How long stopping waits for the writers to file what is queued (Spring's default for one shutdown phase). */
    private static final Duration STOP_WAIT = Duration.ofSeconds(30);

    private final FilingWriter writer;
    private final TransactionTemplate transaction;
    private final FilingProperties properties;
    private final ReadWriteLock gate = new ReentrantReadWriteLock();
    private volatile List<Lane> lanes = List.of();
    private volatile boolean accepting;

    FilingBatcher(FilingWriter writer, PlatformTransactionManager transactions, FilingProperties properties) {
        this.writer = writer;
        this.transaction = new TransactionTemplate(transactions);
        this.properties = properties;
    }

    /**
     * Queues the change for filing. The answer completes once its transaction has committed, or with what filing it
     * alone would throw ({@link KeyAlreadyFiled} when the filer's key is already filed); no thread waits for it here.
     *
     * @throws FilingUnavailable at once when too many filings are waiting or the gateway is stopping
     */
    CompletableFuture<ChangeAnswer> file(PreparedFiling filing) {
        Pending pending = new Pending(filing, new CompletableFuture<>());
        queue(pending);
        return pending.answer();
    }

    /** How many filings wait for a writer, for tests. */
    int queued() {
        return lanes.stream().mapToInt(lane -> lane.queue().size()).sum();
    }

    private void queue(Pending pending) {
        gate.readLock().lock();
        try {
            if (!accepting) {
                throw new FilingUnavailable("the gateway is stopping");
            }
            List<Lane> current = lanes;
            Lane lane = current.get(Math.floorMod(pending.filing().subject().hashCode(), current.size()));
            if (!lane.queue().offer(pending)) {
                throw new FilingUnavailable(properties.queueCapacity() + " filings are waiting already");
            }
        } finally {
            gate.readLock().unlock();
        }
    }

    /** A writer's loop: takes what is queued, files it, until it meets {@link #STOP}. */
    private void write(BlockingQueue<Pending> queue) {
        List<Pending> batch = new ArrayList<>(properties.batchSize());
        boolean stopping = false;
        while (!stopping) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            queue.drainTo(batch, properties.batchSize() - 1);
            stopping = batch.removeIf(pending -> pending == STOP);
            try {
                file(batch);
            } catch (RuntimeException e) {
                // Never leave a request waiting, nor the writer dead, whatever went wrong.
                log.error("filing a batch of {} failed unexpectedly", batch.size(), e);
                batch.forEach(pending -> pending.answer().completeExceptionally(e));
            }
            batch.clear();
        }
    }

    /** Files the batch and answers each of its filings; the failure is given back when the database is unreachable. */
    private Optional<RuntimeException> file(List<Pending> batch) {
        if (batch.isEmpty()) {
            return Optional.empty();
        }
        List<Optional<ChangeAnswer>> answers;
        try {
            answers = transaction.execute(
                    status -> writer.fileAll(batch.stream().map(Pending::filing).toList()));
        } catch (RuntimeException e) {
            if (batch.size() == 1 || unreachable(e)) {
                batch.forEach(pending -> pending.answer().completeExceptionally(e));
                return unreachable(e) ? Optional.of(e) : Optional.empty();
            }
            log.warn(
                    "a batch of {} filings was rolled back ({}); filing each of them on its own",
                    batch.size(),
                    e.getMessage());
            Optional<RuntimeException> down = Optional.empty();
            for (Pending pending : batch) {
                if (down.isPresent()) {
                    pending.answer().completeExceptionally(down.get());
                } else {
                    down = file(List.of(pending));
                }
            }
            return down;
        } catch (Error e) {
            log.error("a batch of {} filings failed", batch.size(), e);
            batch.forEach(pending -> pending.answer().completeExceptionally(e));
            return Optional.empty();
        }
        for (int i = 0; i < batch.size(); i++) {
            Pending pending = batch.get(i);
            Optional<ChangeAnswer> answer = answers.get(i);
            if (answer.isPresent()) {
                logFiled(pending.filing(), answer.get().view());
                pending.answer().complete(answer.get());
            } else {
                pending.answer().completeExceptionally(new KeyAlreadyFiled());
            }
        }
        return Optional.empty();
    }

    /** A database out of reach is no one filing's fault: trying each alone would only fail each again, slowly. */
    private static boolean unreachable(RuntimeException e) {
        return e instanceof CannotCreateTransactionException || e instanceof DataAccessResourceFailureException;
    }

    private static void logFiled(PreparedFiling filing, ChangeView view) {
        log.info(
                "change {} filed: type={} subject={} sequence={} agencies={}",
                filing.receipt(),
                filing.request().type(),
                filing.request().subject().masked(),
                view.sequence(),
                filing.addressees().stream().map(Addressee::agency).toList());
    }

    @Override
    public void start() {
        gate.writeLock().lock();
        try {
            if (accepting) {
                return;
            }
            List<Lane> started = new ArrayList<>(properties.writers());
            for (int i = 1; i <= properties.writers(); i++) {
                BlockingQueue<Pending> queue = new LinkedBlockingQueue<>(properties.queueCapacity());
                Thread thread = new Thread(() -> write(queue), "filing-writer-" + i);
                thread.setDaemon(true);
                thread.start();
                started.add(new Lane(queue, thread));
            }
            lanes = List.copyOf(started);
            accepting = true;
        } finally {
            gate.writeLock().unlock();
        }
    }

    /** Refuses new filings, lets the writers file everything queued before, and fails what a stuck writer left. */
    @Override
    public void stop() {
        List<Lane> stopping;
        gate.writeLock().lock();
        try {
            if (!accepting) {
                return;
            }
            accepting = false;
            stopping = lanes;
        } finally {
            gate.writeLock().unlock();
        }
        long deadline = System.nanoTime() + STOP_WAIT.toNanos();
        try {
            for (Lane lane : stopping) {
                lane.queue().offer(STOP, remaining(deadline), TimeUnit.NANOSECONDS);
            }
            for (Lane lane : stopping) {
                TimeUnit.NANOSECONDS.timedJoin(lane.thread(), remaining(deadline));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Lane lane : stopping) {
            List<Pending> left = new ArrayList<>();
            lane.queue().drainTo(left);
            left.removeIf(pending -> pending == STOP);
            if (lane.thread().isAlive() || !left.isEmpty()) {
                log.warn(
                        "{} did not finish within {}; {} queued filing(s) refused, its batch in hand commits or rolls"
                                + " back whole",
                        lane.thread().getName(),
                        STOP_WAIT,
                        left.size());
            }
            left.forEach(pending ->
                    pending.answer().completeExceptionally(new FilingUnavailable("the gateway is stopping")));
        }
    }

    private static long remaining(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }

    @Override
    public boolean isRunning() {
        return accepting;
    }

    /** Starts before and stops after the web server, so every filing its requests queued is filed. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 4096;
    }

    /** A queued filing and the answer its request waits for. */
    private record Pending(PreparedFiling filing, CompletableFuture<ChangeAnswer> answer) {}

    /** One writer thread and the filings queued for it. */
    private record Lane(BlockingQueue<Pending> queue, Thread thread) {}
}
