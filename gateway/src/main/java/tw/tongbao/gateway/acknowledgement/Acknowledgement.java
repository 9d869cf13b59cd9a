package tw.tongbao.gateway.acknowledgement;

import java.util.Objects;
import tw.tongbao.core.delivery.DeliveryId;

/**
 * An agency's word on one of its deliveries, as read from the request body.
 *
 * @param deliveryId the delivery (= the {@code webhook-id} it was delivered with)
 * @param outcome applied or rejected
 * @param reason why it was rejected (required then), or null
 */
record Acknowledgement(DeliveryId deliveryId, Outcome outcome, String reason) {

    Acknowledgement {
        Objects.requireNonNull(deliveryId, "deliveryId");
        Objects.requireNonNull(outcome, "outcome");
        if (outcome == Outcome.REJECTED && (reason == null || reason.isBlank())) {
            throw new IllegalArgumentException("a rejection needs a reason");
        }
    }
}
