package tw.tongbao.adapters.transport;

import org.slf4j.Logger;
import tw.tongbao.core.agency.Agency;

/** The DEBUG line a transport writes for each try, built only when DEBUG is on. */
public final class AttemptLog {

    private AttemptLog() {}

    /** Logs the try's outcome on {@code log} at DEBUG, naming the protocol; returns the result unchanged. */
    public static AttemptResult debug(
            Logger log, String protocol, Agency agency, OutboundDelivery delivery, AttemptResult result) {
        // Eight arguments: guarded, or each try would build their array with DEBUG off.
        if (log.isDebugEnabled()) {
            log.debug(
                    "{} attempt of delivery {} (receipt {}) to {}: {} status={} error={} in {} ms",
                    protocol,
                    delivery.addressee().deliveryId(),
                    delivery.change().receipt(),
                    agency.code(),
                    result.answer(),
                    result.httpStatus(),
                    result.error(),
                    result.durationMillis());
        }
        return result;
    }
}
