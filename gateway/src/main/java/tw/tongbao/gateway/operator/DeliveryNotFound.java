package tw.tongbao.gateway.operator;

import java.util.UUID;

/** No delivery has this id. */
class DeliveryNotFound extends RuntimeException {

    DeliveryNotFound(UUID id) {
        super("no delivery " + id);
    }
}
