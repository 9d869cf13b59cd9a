package tw.tongbao.adapters.transport;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
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

/**
 * Records what a try made of a delivery: one row update and one report, in one transaction; a 410 also parks the
 * agency's other open deliveries, disables the agency and alerts operators; a parked delivery alerts them too.
 */
@Component
public class DeliverySettlement {

    private static final Logger log = LoggerFactory.getLogger(DeliverySettlement.class);

    private final DeliveryStore store;
    private final ReportOutbox reports;
    private final AgencyControl control;
    private final AnswerPolicy answers;
    private final TransactionTemplate transactions;
    private final Clock clock;

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

    /** Applies one try's result; returns the delivery as stored, or null when the row had moved on meanwhile. */
    public AdapterDelivery settle(Agency agency, AdapterDelivery claimed, AttemptResult result) {
        Instant now = clock.instant();
        AttemptRecord attempt = new AttemptRecord(
                claimed.attempts() + 1,
                result.startedAt(),
                result.durationMillis(),
                result.httpStatus(),
                result.responseExcerpt(),
                result.error());
        AdapterDelivery answered = answers.apply(claimed, result, attempt, agency.retrySchedule(), now);
        return transactions.execute(tx -> {
            Optional<String> cancel = store.pendingCancel(claimed.deliveryId());
            // An operator cancelled it while the try was under way; what the agency already has stays delivered.
            AdapterDelivery next = cancel.isPresent() && !answered.status().isSuccessful()
                    ? claimed.cancelled(attempt, cancel.get())
                    : answered;
            boolean disabled = result.answer() == AgencyAnswer.AGENCY_DISABLED;
            // Locked before the first state change, which takes a subject's head-of-line lock (V3 trigger): no
            // transaction may wait for delivery rows while holding one, or two could deadlock.
            List<AdapterDelivery> open =
                    disabled ? store.openDeliveries(agency.code().value()) : List.of();
            if (!record(claimed, next, attempt, now)) {
                return null;
            }
            if (cancel.isPresent() && next.status().isSuccessful()) {
                log.info(
                        "cancel of delivery {} for {} (receipt {}) came too late: the agency has it",
                        claimed.deliveryId(),
                        claimed.agency(),
                        claimed.receipt());
            }
            if (disabled) {
                String code = agency.code().value();
                parkAll(open, claimed, now);
                control.disable(code, AnswerPolicy.AGENCY_DISABLED);
                reports.appendAlert(new AgencyAlert(
                        code,
                        AgencyAlert.Kind.DISABLED,
                        "agency answered 410 to delivery " + claimed.deliveryId() + "; its open deliveries are"
                                + " parked until an operator enables it and retries them",
                        now));
            }
            return next;
        });
    }

    /** Parks a delivery without a try (e.g. its message can no longer be read); false when it moved on. */
    public boolean park(AdapterDelivery claimed, String why) {
        Instant now = clock.instant();
        return Boolean.TRUE.equals(transactions.execute(tx -> record(claimed, claimed.parked(null, why), null, now)));
    }

    /** Writes one state change and its report; call inside a transaction. */
    public boolean record(AdapterDelivery before, AdapterDelivery after, AttemptRecord attempt, Instant now) {
        if (!store.update(before, after, now)) {
            log.info(
                    "delivery {} for {} (receipt {}) changed meanwhile; result of this try dropped",
                    before.deliveryId(),
                    before.agency(),
                    before.receipt());
            return false;
        }
        reports.append(after.report(now, attempt));
        // A 410 parks every open delivery at once; its one DISABLED alert stands for them all.
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
        return true;
    }

    private void parkAll(List<AdapterDelivery> open, AdapterDelivery claimed, Instant now) {
        for (AdapterDelivery delivery : open) {
            // The claimed one was settled above (its revision moved on); the rest are parked as they were locked.
            if (!delivery.deliveryId().equals(claimed.deliveryId())) {
                record(delivery, delivery.parked(null, AnswerPolicy.AGENCY_DISABLED), null, now);
            }
        }
    }
}
