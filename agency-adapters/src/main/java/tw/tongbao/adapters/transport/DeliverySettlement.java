package tw.tongbao.adapters.transport;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tw.tongbao.adapters.report.ReportOutbox;
import tw.tongbao.adapters.resilience.AgencyControl;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.answer.AgencyAnswer;
import tw.tongbao.core.control.AgencyAlert;
import tw.tongbao.core.delivery.DeliveryStatus;
import tw.tongbao.core.report.AttemptRecord;
import tw.tongbao.core.report.DeliveryReported;

/**
 * Records what tries made of deliveries: each one's row update and report, many of one agency in one transaction; a
 * 410 also disables the agency, alerts operators and parks the agency's other open deliveries (a chunk per
 * transaction); a parked delivery alerts them too.
 */
@Component
public class DeliverySettlement {

    private static final Logger log = LoggerFactory.getLogger(DeliverySettlement.class);

    /** Open deliveries parked per transaction when an agency is disabled: bounds its rows and head-of-line locks. */
    static final int PARKING_CHUNK = 500;

    private final DeliveryStore store;
    private final ReportOutbox reports;
    private final AgencyControl control;
    private final AnswerPolicy answers;
    private final TransactionTemplate transactions;
    private final Clock clock;
    /** Per agency, held while this instance parks its open deliveries. */
    private final Map<String, ReentrantLock> sweeps = new ConcurrentHashMap<>();

    public DeliverySettlement(
            DeliveryStore store,
            ReportOutbox reports,
            AgencyControl control,
            AnswerPolicy answers,
            TransactionTemplate transactions,
            Clock clock) {
        this.store = store;
        this.reports = reports;
        this.control = control;
        this.answers = answers;
        this.transactions = transactions;
        this.clock = clock;
    }

    /**
     * Applies the results of many tries of one agency in one transaction: one statement locks the rows and reads their
     * pending cancels, one writes the rows, one the reports. Each is written only if its row is still at the
     * claimed revision; returns each delivery as stored, or null where the row had moved on. A 410 is settled with
     * {@link #settle} instead.
     */
    public List<AdapterDelivery> settleAll(Agency agency, List<Finished> finished) {
        Instant now = clock.instant();
        return transactions.execute(tx -> {
            Map<UUID, DeliveryStore.Settling> locked = store.lockForSettlement(
                    finished.stream().map(f -> f.claimed().deliveryId()).toList());
            AdapterDelivery[] stored = new AdapterDelivery[finished.size()];
            List<Integer> settling = new ArrayList<>(finished.size());
            List<Outcome> outcomes = new ArrayList<>(finished.size());
            for (int i = 0; i < finished.size(); i++) {
                AdapterDelivery claimed = finished.get(i).claimed();
                DeliveryStore.Settling row = locked.get(claimed.deliveryId());
                if (row == null || row.revision() != claimed.revision()) {
                    dropped(claimed);
                } else {
                    settling.add(i);
                    outcomes.add(outcome(agency, claimed, finished.get(i).result(), row.cancelReason(), now));
                }
            }
            boolean[] written =
                    store.updateAll(outcomes.stream().map(Outcome::change).toList(), now);
            List<DeliveryReported> writtenReports = new ArrayList<>(outcomes.size());
            for (int k = 0; k < outcomes.size(); k++) {
                if (written[k]) {
                    writtenReports.add(outcomes.get(k).report(now));
                }
            }
            reports.appendAll(writtenReports);
            for (int k = 0; k < outcomes.size(); k++) {
                Outcome outcome = outcomes.get(k);
                if (written[k]) {
                    recorded(outcome.change().before(), outcome.change().after(), now);
                    outcome.logLateCancel();
                    stored[settling.get(k)] = outcome.change().after();
                } else {
                    dropped(outcome.change().before());
                }
            }
            return Arrays.asList(stored);
        });
    }

    /**
     * Applies one try's result; returns the delivery as stored, or null when the row had moved on meanwhile. A 410
     * disables the agency in the same transaction (so nothing more is claimed for it), then its other open deliveries
     * are parked a chunk per transaction: one transaction for all of them would take a head-of-line lock per subject,
     * more than PostgreSQL's lock table holds once an outage has left tens of thousands behind.
     */
    public AdapterDelivery settle(Agency agency, AdapterDelivery claimed, AttemptResult result) {
        Instant now = clock.instant();
        boolean disabling = result.answer() == AgencyAnswer.AGENCY_DISABLED;
        AdapterDelivery settled = transactions.execute(tx -> {
            DeliveryStore.Settling row =
                    store.lockForSettlement(List.of(claimed.deliveryId())).get(claimed.deliveryId());
            Outcome outcome = outcome(agency, claimed, result, row == null ? null : row.cancelReason(), now);
            AdapterDelivery next = outcome.change().after();
            if (!record(claimed, next, outcome.attempt(), now)) {
                return null;
            }
            outcome.logLateCancel();
            if (disabling) {
                disable(agency.code().value(), claimed, now);
            }
            return next;
        });
        if (settled != null && disabling) {
            try {
                parkOpen(agency.code().value(), true);
            } catch (RuntimeException e) {
                log.warn(
                        "parking the open deliveries of disabled agency {} stopped; its dispatcher parks the rest: {}",
                        agency.code(),
                        e.toString());
            }
        }
        return settled;
    }

    /**
     * Parks, a chunk per transaction, the open deliveries of an agency that a 410 disabled, until none is left or an
     * operator enables the agency; returns how many. The agency's dispatcher calls it while the agency is disabled, so
     * that what a 410 left open (the process died between chunks, the database went away, a delivery arrived just as
     * the agency was disabled) is parked too. Passes over rows other transactions hold, and does nothing while this
     * instance is parking the agency's deliveries already.
     */
    public int parkOpenOfDisabledAgency(String agency) {
        return parkOpen(agency, false);
    }

    /** Disables the agency and alerts operators, unless an earlier 410 did (tries under way then answer 410 too). */
    private void disable(String agency, AdapterDelivery claimed, Instant now) {
        if (control.disabledAsStored(agency)) {
            return;
        }
        control.disable(agency, AnswerPolicy.AGENCY_DISABLED);
        reports.appendAlert(new AgencyAlert(
                agency,
                AgencyAlert.Kind.DISABLED,
                "agency answered 410 to delivery " + claimed.deliveryId() + "; its open deliveries are parked until an"
                        + " operator enables it and retries them",
                now));
    }

    /**
     * Parks the agency's open deliveries in {@link DeliveryStore#ROW_ORDER} a chunk at a time; with {@code wait}, waits
     * for rows other transactions hold (and for this instance's sweep of the same agency) rather than pass them over.
     */
    private int parkOpen(String agency, boolean wait) {
        ReentrantLock sweep = sweeps.computeIfAbsent(agency, code -> new ReentrantLock());
        if (wait) {
            sweep.lock();
        } else if (!sweep.tryLock()) {
            return 0;
        }
        try {
            int parked = 0;
            AdapterDelivery last = null;
            List<AdapterDelivery> chunk;
            while (!Thread.currentThread().isInterrupted() && !(chunk = parkChunk(agency, last, !wait)).isEmpty()) {
                parked += chunk.size();
                last = chunk.get(chunk.size() - 1);
            }
            if (parked > 0) {
                log.info("parked {} open deliveries of disabled agency {}", parked, agency);
            }
            return parked;
        } finally {
            sweep.unlock();
        }
    }

    /**
     * In one transaction: the next chunk from {@code last} on, locked before its first change (which takes the
     * subjects' head-of-line locks, in lock order), each parked with its own report. Empty when none is left or the
     * agency is no longer disabled.
     */
    private List<AdapterDelivery> parkChunk(String agency, AdapterDelivery last, boolean skipLocked) {
        return transactions.execute(tx -> {
            if (!control.disabledAsStored(agency)) {
                return List.<AdapterDelivery>of();
            }
            Instant now = clock.instant();
            List<AdapterDelivery> open = store.lockOpenFrom(agency, last, PARKING_CHUNK, skipLocked);
            recordAll(
                    open.stream()
                            .map(d -> new DeliveryStore.StateChange(d, d.parked(null, AnswerPolicy.AGENCY_DISABLED)))
                            .toList(),
                    now);
            return open;
        });
    }

    /**
     * Writes state changes made without a try and their reports, one statement each; call inside a transaction,
     * having locked the rows. Returns how many were written (a row that moved on is left alone).
     */
    public int recordAll(List<DeliveryStore.StateChange> changes, Instant now) {
        boolean[] written = store.updateAll(changes, now);
        List<DeliveryReported> writtenReports = new ArrayList<>(changes.size());
        for (int k = 0; k < changes.size(); k++) {
            if (written[k]) {
                writtenReports.add(changes.get(k).after().report(now, null));
            }
        }
        reports.appendAll(writtenReports);
        for (int k = 0; k < changes.size(); k++) {
            if (written[k]) {
                recorded(changes.get(k).before(), changes.get(k).after(), now);
            } else {
                dropped(changes.get(k).before());
            }
        }
        return writtenReports.size();
    }

    /** Parks a delivery without a try (e.g. its message can no longer be read); false when it moved on. */
    public boolean park(AdapterDelivery claimed, String why) {
        Instant now = clock.instant();
        return Boolean.TRUE.equals(transactions.execute(tx -> record(claimed, claimed.parked(null, why), null, now)));
    }

    /** Writes one state change and its report; call inside a transaction. */
    public boolean record(AdapterDelivery before, AdapterDelivery after, AttemptRecord attempt, Instant now) {
        if (!store.update(before, after, now)) {
            dropped(before);
            return false;
        }
        reports.append(after.report(now, attempt));
        recorded(before, after, now);
        return true;
    }

    /** What a try made of a delivery: the answer's state, unless an operator cancelled it while the try was under way. */
    private Outcome outcome(Agency agency, AdapterDelivery claimed, AttemptResult result, String cancel, Instant now) {
        AttemptRecord attempt = new AttemptRecord(
                claimed.attempts() + 1,
                result.startedAt(),
                result.durationMillis(),
                result.httpStatus(),
                result.responseExcerpt(),
                result.error());
        AdapterDelivery answered = answers.apply(claimed, result, attempt, agency.retrySchedule(), now);
        // What the agency already has stays delivered; anything else yields to the cancel.
        AdapterDelivery next =
                cancel != null && !answered.status().isSuccessful() ? claimed.cancelled(attempt, cancel) : answered;
        return new Outcome(new DeliveryStore.StateChange(claimed, next), attempt, cancel != null);
    }

    private static void dropped(AdapterDelivery before) {
        log.info(
                "delivery {} for {} (receipt {}) changed meanwhile; result of this try dropped",
                before.deliveryId(),
                before.agency(),
                before.receipt());
    }

    /** The alert and log line of a state change just written. */
    private void recorded(AdapterDelivery before, AdapterDelivery after, Instant now) {
        // A 410 parks every open delivery of the agency; its one DISABLED alert stands for them all.
        if (after.status() == DeliveryStatus.PARKED && !AnswerPolicy.AGENCY_DISABLED.equals(after.reason())) {
            reports.appendAlert(new AgencyAlert(
                    after.agency(),
                    AgencyAlert.Kind.DELIVERY_PARKED,
                    "delivery " + after.deliveryId() + " (receipt " + after.receipt() + ") parked: " + after.reason(),
                    now));
        }
        log.info(
                "delivery {} for {} (receipt {}) {} -> {} after {} attempt(s){}",
                after.deliveryId(),
                after.agency(),
                after.receipt(),
                before.status(),
                after.status(),
                after.attempts(),
                after.reason() == null ? "" : ": " + after.reason());
    }

    /** A try that ended, waiting to be settled. */
    public record Finished(AdapterDelivery claimed, AttemptResult result) {}

    /** A try's state change, the try, and whether a cancel was pending when it settled. */
    private record Outcome(DeliveryStore.StateChange change, AttemptRecord attempt, boolean cancelPending) {

        DeliveryReported report(Instant now) {
            return change.after().report(now, attempt);
        }

        void logLateCancel() {
            AdapterDelivery before = change.before();
            if (cancelPending && change.after().status().isSuccessful()) {
                log.info(
                        "cancel of delivery {} for {} (receipt {}) came too late: the agency has it",
                        before.deliveryId(),
                        before.agency(),
                        before.receipt());
            }
        }
    }
}
