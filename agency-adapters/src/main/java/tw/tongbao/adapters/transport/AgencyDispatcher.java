package tw.tongbao.adapters.transport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tw.tongbao.adapters.resilience.AgencyGuard;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.answer.AgencyAnswer;
import tw.tongbao.core.envelope.Addressee;
import tw.tongbao.core.envelope.ChangeFiled;
import tw.tongbao.core.routing.EntitlementPolicy;

/**
 * Delivers one agency's due deliveries: claims them (head of line per subject), passes each through the agency's
 * guard to its transport, and hands the answer to its {@link SettlementQueue}. It has its own threads, so it never
 * slows another agency.
 */
final class AgencyDispatcher {

    private static final Logger log = LoggerFactory.getLogger(AgencyDispatcher.class);

    /** Waits shorter than this are also woken for in memory; longer ones rely on the poll alone. */
    private static final Duration IN_MEMORY_WAKE_HORIZON = Duration.ofMinutes(5);

    /** Slack over the agency's timeout before the engine gives up on a transport that ignores it. */
    private static final Duration TIMEOUT_GRACE = Duration.ofSeconds(1);

    private final Agency agency;
    private final String code;
    private final AgencyTransport transport;
    private final AgencyGuard guard;
    private final DispatchContext context;
    private final ScheduledExecutorService scheduler;
    private final ThreadPoolExecutor calls;
    private final SettlementQueue settlements;
    private final AtomicBoolean wakePending = new AtomicBoolean();
    /** Free call slots worth a claim of their own; fewer wait up to the claim linger for more. */
    private final int claimChunk;
    /** Whether a claim after the linger is scheduled; touched on the dispatch thread only. */
    private boolean lingering;
    /**
     * Whether the last claim may have left due deliveries behind for want of call slots (or did not run for that
     * reason), so that a finished try's freed slot is worth a claim. False once a claim found fewer due deliveries than
     * it had slots for: then only new work makes a claim worth it, and new work wakes the dispatcher itself (the inbox,
     * a settlement that may let a subject's next delivery go, a retry's time coming, the poll). Touched on the dispatch
     * thread only.
     */
    private boolean slotLimited = true;
    /**
     * Whether a settlement may have made a subject's next delivery due and no claim has started since. The claim it
     * is owed runs after the settled-claim delay, unless another claim (new work, a freed slot, the poll) took it
     * first.
     */
    private final AtomicBoolean claimOwed = new AtomicBoolean();

    private final AtomicBoolean owedClaimScheduled = new AtomicBoolean();
    /** Whether the last claim did not run because finished tries waited to be settled: then settling claims at once. */
    private volatile boolean waitingForSettling;

    private volatile boolean claimsFailing;

    AgencyDispatcher(Agency agency, AgencyTransport transport, AgencyGuard guard, DispatchContext context) {
        this.agency = agency;
        this.code = agency.code().value();
        this.transport = transport;
        this.guard = guard;
        this.context = context;
        this.scheduler = new ScheduledThreadPoolExecutor(1, named("dispatch-" + code));
        this.claimChunk =
                Math.max(1, Math.min(context.properties().claimBatchSize(), AgencyGuard.inFlightLimit(agency)) / 2);
        int threads = callThreads(agency);
        this.calls = new ThreadPoolExecutor(
                threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), named("call-" + code));
        this.calls.allowCoreThreadTimeOut(true);
        this.settlements = new SettlementQueue(
                agency,
                context.settlement(),
                context.properties().settlementBatchSize(),
                context.properties().settlementLinger(),
                this::settled,
                this::afterSettling,
                named("settle-" + code));
    }

    /**
     * Threads that prepare this agency's tries: no more than the machine's cores (at least two), however many calls
     * may be in flight. A transport only builds, signs and hands off a try and returns its answer as a future, so the
     * calls in flight are bounded by the guard's permits, not by threads; a thread per permit only added stacks.
     */
    static int callThreads(Agency agency) {
        return Math.min(
                agency.maxConcurrentCalls(), Math.max(2, Runtime.getRuntime().availableProcessors()));
    }

    void start() {
        long poll = context.properties().pollInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::tick, 0, poll, TimeUnit.MILLISECONDS);
    }

    /** Stops claiming and calling; tries already finished are still settled (see {@link #awaitStopped}). */
    void stop() {
        scheduler.shutdownNow();
        calls.shutdownNow();
        settlements.stop();
    }

    /** Waits for the finished tries to settle, at most until {@code deadlineNanos}, so they are not sent again. */
    void awaitStopped(long deadlineNanos) {
        settlements.awaitStopped(deadlineNanos);
    }

    /** Looks for due deliveries soon (new ones stored, a slot freed, a wait over). */
    void wake() {
        if (wakePending.compareAndSet(false, true)) {
            try {
                scheduler.execute(this::tick);
            } catch (RejectedExecutionException e) {
                wakePending.set(false);
            }
        }
    }

    private void tick() {
        wakePending.set(false);
        claimDue(false);
    }

    /** The linger is over: claims whatever slots are free, however few. */
    private void lingerOver() {
        lingering = false;
        claimDue(true);
    }

    private void claimDue(boolean lingered) {
        // Until a claim shows otherwise (below), a freed slot may let something due go.
        slotLimited = true;
        try {
            if (!context.instance().mayClaim()) {
                return;
            }
            if (context.control().state(code).disabled()) {
                parkWhileDisabled();
                return;
            }
            if (guard.isCircuitOpen() || !context.control().isActive(code)) {
                return;
            }
            int slots = Math.min(guard.freeCallSlots(), context.properties().claimBatchSize());
            if (slots <= 0) {
                return;
            }
            // Tries finish faster than they settle: claim more only once the settling catches up (it wakes us).
            if (settlements.backlog() >= context.properties().settlementBatchSize()) {
                waitingForSettling = true;
                return;
            }
            // Every finished try wakes us; claiming its one freed slot at once would cost a statement per delivery.
            if (slots < claimChunk && !lingered && lingerForMoreSlots()) {
                return;
            }
            waitingForSettling = false;
            // Cleared before the claim reads: a settlement committed after the read owes the next one.
            claimOwed.set(false);
            Clock clock = context.clock();
            Instant now = clock.instant();
            Instant leaseUntil = now.plus(context.properties().leaseDuration()).plus(attemptLimit(agency));
            List<DeliveryClaims.Claim> claims = context.claims()
                    .claim(code, slots, now, leaseUntil, context.instance().id());
            if (claimsFailing) {
                claimsFailing = false;
                log.info("dispatcher for {} claims deliveries again", code);
            }
            slotLimited = claims.size() == slots;
            claims.forEach(this::dispatch);
            if (claims.size() == slots) {
                wake();
            }
        } catch (RuntimeException e) {
            // One line per outage, not one per poll.
            if (!claimsFailing) {
                claimsFailing = true;
                log.warn("dispatcher for {} cannot claim deliveries, will keep trying: {}", code, e.toString());
            }
        }
    }

    /**
     * Parks what a 410 left open: it parks the agency's open deliveries after disabling it, and whatever that did not
     * reach (the process died, a delivery arrived just then) is found here, on every poll while the agency is disabled.
     */
    private void parkWhileDisabled() {
        if (context.settlement().parkOpenOfDisabledAgency(code) > 0) {
            context.relay().wake();
        }
    }

    /** Schedules a claim after the linger unless one is scheduled; false when claims do not linger. */
    private boolean lingerForMoreSlots() {
        Duration linger = context.properties().claimLinger();
        if (linger.isZero()) {
            return false;
        }
        if (!lingering) {
            try {
                scheduler.schedule(this::lingerOver, linger.toNanos(), TimeUnit.NANOSECONDS);
                lingering = true;
            } catch (RejectedExecutionException e) {
                // Stopping: nothing more is claimed.
            }
        }
        return true;
    }

    private void dispatch(DeliveryClaims.Claim claim) {
        AdapterDelivery delivery = claim.delivery();
        if (claim.takenOverFrom() != null) {
            log.info(
                    "delivery {} for {} (receipt {}) taken over from adapter instance {}, which stopped heartbeating;"
                            + " sent again with the same webhook-id",
                    delivery.deliveryId(),
                    code,
                    delivery.receipt(),
                    claim.takenOverFrom());
        }
        Optional<AgencyGuard.Permit> permit = guard.tryEnter();
        if (permit.isEmpty()) {
            context.claims().release(delivery.deliveryId());
            slotLimited = true;
            return;
        }
        OutboundDelivery outbound;
        try {
            outbound = outbound(claim);
        } catch (RuntimeException e) {
            permit.get().abandon();
            context.settlement().park(delivery, "stored message cannot be sent: " + e.getMessage());
            context.relay().wake();
            return;
        }
        long waitNanos = guard.reserveRate();
        if (waitNanos < 0) {
            permit.get().abandon();
            context.claims().release(delivery.deliveryId());
            slotLimited = true;
            return;
        }
        scheduler.schedule(() -> call(delivery, outbound, permit.get()), waitNanos, TimeUnit.NANOSECONDS);
    }

    private OutboundDelivery outbound(DeliveryClaims.Claim claim) {
        byte[] message = claim.message();
        if (message == null) {
            // Cannot happen while the inbox commits a change's message before any of its deliveries and nothing deletes
            // messages; should it, the delivery is parked with this reason rather than sent without its data.
            throw new IllegalStateException("its change's message is missing from adapter_message");
        }
        // Parsed once for all the agencies it is addressed to (their claims come close together); the entitled data
        // below is this agency's own.
        ChangeFiled change = context.changes().of(claim.changeId(), message);
        Addressee addressee = change.addresseeFor(code)
                .orElseThrow(() -> new IllegalStateException("the change is not addressed to " + code));
        return new OutboundDelivery(change, addressee, EntitlementPolicy.dataFor(change, addressee, agency));
    }

    private void call(AdapterDelivery delivery, OutboundDelivery outbound, AgencyGuard.Permit permit) {
        Instant startedAt = context.clock().instant();
        long startedNanos = System.nanoTime();
        CompletableFuture<AttemptResult> attempt;
        try {
            attempt = CompletableFuture.supplyAsync(() -> transport.attempt(agency, outbound), calls)
                    .thenCompose(future -> future);
        } catch (RejectedExecutionException e) {
            permit.abandon();
            context.claims().release(delivery.deliveryId());
            slotLimited = true;
            return;
        }
        long limit = attemptLimit(agency).toMillis();
        attempt.orTimeout(limit, TimeUnit.MILLISECONDS)
                .exceptionally(e -> failure(e, startedAt, startedNanos))
                .thenAcceptAsync(result -> finish(delivery, permit, result), scheduler);
    }

    /**
     * How long the engine waits for one try before it counts as timed out: the agency's timeout plus a grace, and for
     * batch-csv also the batch interval, since a row's try ends only when its file closes.
     */
    static Duration attemptLimit(Agency agency) {
        Duration limit = agency.timeout().plus(TIMEOUT_GRACE);
        return agency.protocol() == tw.tongbao.core.agency.Protocol.BATCH_CSV
                ? limit.plus(agency.batchInterval())
                : limit;
    }

    private AttemptResult failure(Throwable e, Instant startedAt, long startedNanos) {
        Throwable cause =
                e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        String error = cause instanceof TimeoutException
                ? "timed out after " + agency.timeout().toMillis() + " ms"
                : "transport failed: " + cause;
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
        return new AttemptResult(AgencyAnswer.TRANSIENT_FAILURE, startedAt, millis, null, null, error, null);
    }

    private void finish(AdapterDelivery delivery, AgencyGuard.Permit permit, AttemptResult result) {
        if (result.answer().isRetryable()) {
            permit.failed(result.durationMillis(), AnswerPolicy.describe(result));
        } else {
            permit.succeeded(result.durationMillis());
        }
        settlements.add(new DeliverySettlement.Finished(delivery, result));
        // At low load most tries finish with nothing left to claim: a claim per finished try found nothing about half
        // the time (pg_stat_statements at 100 changes/s: 6,900 of 14,100 claims empty).
        if (slotLimited) {
            wake();
        }
    }

    /** On the settling thread: one try is settled ({@code after} is null when its row had moved on). */
    private void settled(DeliverySettlement.Finished finished, AdapterDelivery after) {
        observe(finished.result(), after);
        if (after != null && after.status().isOpen()) {
            wakeAt(after.nextAttemptAt());
        }
    }

    /**
     * On the settling thread: reports were written, and subjects may have a next delivery due. That claim waits the
     * settled-claim delay, so that the next claim for new work takes it as well; at once when claims wait for settling.
     */
    private void afterSettling() {
        context.relay().wake();
        Duration delay = context.properties().settledClaimDelay();
        if (waitingForSettling || delay.isZero()) {
            wake();
            return;
        }
        claimOwed.set(true);
        if (owedClaimScheduled.compareAndSet(false, true)) {
            try {
                scheduler.schedule(this::owedClaim, delay.toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                // Stopping: nothing more is claimed.
                owedClaimScheduled.set(false);
            }
        }
    }

    private void owedClaim() {
        owedClaimScheduled.set(false);
        if (claimOwed.get()) {
            claimDue(false);
        }
    }

    private void observe(AttemptResult result, AdapterDelivery after) {
        for (AttemptObserver observer : context.observers()) {
            try {
                observer.attempted(agency, result, after);
            } catch (RuntimeException e) {
                log.debug("attempt observer failed: {}", e.toString());
            }
        }
    }

    private void wakeAt(Instant due) {
        Duration wait = Duration.between(context.clock().instant(), due);
        if (wait.compareTo(IN_MEMORY_WAKE_HORIZON) < 0) {
            try {
                scheduler.schedule(this::wake, Math.max(0, wait.toMillis()) + 5, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // Stopping: the poll of the next start finds it.
            }
        }
    }

    private static java.util.concurrent.ThreadFactory named(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
