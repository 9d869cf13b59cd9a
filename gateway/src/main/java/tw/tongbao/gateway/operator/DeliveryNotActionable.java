package tw.tongbao.gateway.operator;

import java.util.UUID;
import tw.tongbao.core.delivery.DeliveryStatus;

/** The delivery's status does not allow the action (e.g. retrying a delivered one); answered 409. */
class DeliveryNotActionable extends RuntimeException {

    DeliveryNotActionable(UUID id, DeliveryStatus status, String action) {
        super("delivery " + id + " is " + status + "; it cannot be " + action);
    }
}
