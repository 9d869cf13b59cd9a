package tw.tongbao.gateway.status;

import java.util.UUID;
import tw.tongbao.core.delivery.DeliveryStatus;

/**
 * What the gateway knows of one delivery before a report is applied.
 *
 * @param id the delivery id
 * @param agency the agency's code
 * @param status its current status
 * @param revision the revision of the last report applied (0 before any)
 * @param attempts tries made so far
 */
record StoredDelivery(UUID id, String agency, DeliveryStatus status, long revision, int attempts) {}
