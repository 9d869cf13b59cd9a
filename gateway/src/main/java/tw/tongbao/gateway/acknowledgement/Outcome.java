package tw.tongbao.gateway.acknowledgement;

import tw.tongbao.core.delivery.DeliveryStatus;

/** What an agency says it did with a delivery it has. */
enum Outcome {
    /** It applied the change. */
    APPLIED(DeliveryStatus.APPLIED),
    /** It refused the change for good; a reason is required. */
    REJECTED(DeliveryStatus.REJECTED);

    private final DeliveryStatus status;

    Outcome(DeliveryStatus status) {
        this.status = status;
    }

    /** The delivery status this outcome moves a delivered delivery to. */
    DeliveryStatus status() {
        return status;
    }
}
