package tw.tongbao.adapters.transport;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import tw.tongbao.core.change.ChangeType;
import tw.tongbao.core.delivery.DeliveryStatus;
import tw.tongbao.core.delivery.DeliveryTransitions;
import tw.tongbao.core.report.AttemptRecord;
import tw.tongbao.core.report.DeliveryReported;

/**
 * One delivery as the adapters hold it ({@code adapter_delivery}); its status moves only through the named methods,
 * each checked against {@link DeliveryTransitions} and each raising the revision by one.
 *
 * @param deliveryId the delivery's id (= CloudEvent id = {@code webhook-id})
 * @param agency the agency's code
 * @param subjectRef the subject's pseudonym for this agency
 * @param sequence the change's per-subject sequence
 * @param changeType the change's type
 * @param receipt the change's receipt
 * @param status where it stands
 * @param attempts tries made so far
 * @param revision reports sent so far (the gateway applies a report only when its revision is higher)
 * @param reason why it was rejected, parked or superseded, or null
 * @param nextAttemptAt when it is next due
 * @param attemptsBeforeRetry tries made before an operator last retried or replayed it; its retry schedule counts
 *     from there
 */
public record AdapterDelivery(
        UUID deliveryId,
        String agency,
        String subjectRef,
        long sequence,
        ChangeType changeType,
        String receipt,
        DeliveryStatus status,
        int attempts,
        long revision,
        String reason,
        Instant nextAttemptAt,
        int attemptsBeforeRetry) {

    public AdapterDelivery {
        Objects.requireNonNull(deliveryId, "delivery id");
        Objects.requireNonNull(agency, "agency");
        Objects.requireNonNull(subjectRef, "subject ref");
        Objects.requireNonNull(changeType, "change type");
        Objects.requireNonNull(status, "status");
    }

    /** A delivery just taken from the agency's queue: pending, untried, due now. */
    public static AdapterDelivery received(
            UUID deliveryId,
            String agency,
            String subjectRef,
            long sequence,
            ChangeType changeType,
            String receipt,
            Instant now) {
        return new AdapterDelivery(
                deliveryId,
                agency,
                subjectRef,
                sequence,
                changeType,
                receipt,
                DeliveryStatus.PENDING,
                0,
                0,
                null,
                now,
                0);
    }

    /** The agency has it. */
    public AdapterDelivery delivered(AttemptRecord attempt) {
        return move(DeliveryStatus.DELIVERED, attempt.number(), null, nextAttemptAt);
    }

    /** The agency refused it for good. */
    public AdapterDelivery rejected(AttemptRecord attempt, String why) {
        return move(DeliveryStatus.REJECTED, attempt.number(), why, nextAttemptAt);
    }

    /** A try failed; the next is due at {@code next}. */
    public AdapterDelivery retrying(AttemptRecord attempt, Instant next, String why) {
        return move(DeliveryStatus.RETRYING, attempt.number(), why, next);
    }

    /** An operator must act; {@code attempt} is the try that led here, or null when none did. */
    public AdapterDelivery parked(AttemptRecord attempt, String why) {
        return move(DeliveryStatus.PARKED, attempt == null ? attempts : attempt.number(), why, nextAttemptAt);
    }

    /** A newer change of the same type replaced it before it was sent. */
    public AdapterDelivery superseded(AdapterDelivery newer) {
        return move(
                DeliveryStatus.SUPERSEDED,
                attempts,
                "superseded by sequence " + newer.sequence() + " (" + newer.receipt() + ")",
                nextAttemptAt);
    }

    /** An operator's cancel: discarded, with the try that settled meanwhile (or null). */
    public AdapterDelivery cancelled(AttemptRecord attempt, String why) {
        return move(DeliveryStatus.CANCELLED, attempt == null ? attempts : attempt.number(), why, nextAttemptAt);
    }

    /** An operator's retry (or replay): pending again, due at {@code now}, with a fresh retry budget. */
    public AdapterDelivery pendingAgain(String why, Instant now) {
        DeliveryTransitions.require(status, DeliveryStatus.PENDING);
        return new AdapterDelivery(
                deliveryId,
                agency,
                subjectRef,
                sequence,
                changeType,
                receipt,
                DeliveryStatus.PENDING,
                attempts,
                revision + 1,
                why,
                now,
                attempts);
    }

    /** Tries made since the last operator retry or replay: what its retry schedule has spent. */
    public int attemptsInBudget() {
        return attempts - attemptsBeforeRetry;
    }

    /** Whether this one, not yet sent, is replaced by {@code arriving}: same agency, subject and type, older. */
    public boolean isSupersededBy(AdapterDelivery arriving) {
        return status.isOpen()
                && agency.equals(arriving.agency())
                && subjectRef.equals(arriving.subjectRef())
                && changeType == arriving.changeType()
                && sequence < arriving.sequence();
    }

    /** What the gateway is told about this state, with the try that led to it (or null). */
    public DeliveryReported report(Instant at, AttemptRecord attempt) {
        return new DeliveryReported(
                deliveryId,
                agency,
                status,
                revision,
                attempts,
                at,
                reason,
                status == DeliveryStatus.RETRYING ? nextAttemptAt : null,
                attempt);
    }

    private AdapterDelivery move(DeliveryStatus to, int attemptsNow, String why, Instant next) {
        DeliveryTransitions.require(status, to);
        return new AdapterDelivery(
                deliveryId,
                agency,
                subjectRef,
                sequence,
                changeType,
                receipt,
                to,
                attemptsNow,
                revision + 1,
                why,
                next,
                attemptsBeforeRetry);
    }
}
