package tw.tongbao.core.control;

import java.util.Objects;
import java.util.UUID;

/**
 * Retries or cancels one delivery.
 *
 * @param deliveryId the delivery
 * @param agency the agency's code (the delivery's agency)
 * @param action what to do
 * @param actor who acted
 * @param reason why (required for a cancel)
 * @param commandId the command's id (idempotency)
 */
public record DeliveryCommand(
        UUID deliveryId, String agency, Action action, String actor, String reason, UUID commandId)
        implements OperatorCommand {

    public DeliveryCommand {
        Objects.requireNonNull(deliveryId, "delivery id");
        Objects.requireNonNull(agency, "agency");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(commandId, "command id");
        if (action == Action.CANCEL && (reason == null || reason.isBlank())) {
            throw new IllegalArgumentException("a cancel needs a reason");
        }
    }

    /** What a delivery command does. */
    public enum Action {
        /** A PARKED or REJECTED delivery is tried again, with a fresh retry budget. */
        RETRY,
        /** A delivery not yet delivered is discarded (an in-flight one once its try settles). */
        CANCEL
    }
}
