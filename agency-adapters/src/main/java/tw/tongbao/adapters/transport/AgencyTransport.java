package tw.tongbao.adapters.transport;

import java.util.concurrent.CompletableFuture;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.agency.Protocol;

/** Hands one delivery to an agency in that agency's protocol; one implementation per protocol. */
public interface AgencyTransport {

    /** The protocol this transport speaks. */
    Protocol protocol();

    /**
     * Makes one try. The future completes with the agency's answer (never exceptionally for an agency's failure:
     * timeouts, refusals and faults are answers too).
     */
    CompletableFuture<AttemptResult> attempt(Agency agency, OutboundDelivery delivery);
}
