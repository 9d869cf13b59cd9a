package tw.tongbao.adapters.inbox;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tw.tongbao.adapters.resilience.AgencyControl;
import tw.tongbao.adapters.transport.AdapterDelivery;
import tw.tongbao.adapters.transport.AnswerPolicy;
import tw.tongbao.adapters.transport.DeliverySettlement;
import tw.tongbao.adapters.transport.DeliveryStore;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.envelope.Addressee;
import tw.tongbao.core.envelope.ChangeFiled;

/**
 * Stores one agency's delivery of a received change, in one transaction: the row (a redelivery changes nothing),
 * supersession of older unsent deliveries of the same type, and their reports.
 */
@Component
class InboxWriter {

    private static final Logger log = LoggerFactory.getLogger(InboxWriter.class);

    private final DeliveryStore store;
    private final DeliverySettlement settlement;
    private final AgencyControl control;
    private final TransactionTemplate transactions;
    private final Clock clock;

    InboxWriter(
            DeliveryStore store,
            DeliverySettlement settlement,
            AgencyControl control,
            TransactionTemplate transactions,
            Clock clock) {
        this.store = store;
        this.settlement = settlement;
        this.control = control;
        this.transactions = transactions;
        this.clock = clock;
    }

    /** Stores the delivery; false when it was already stored (a redelivered message). */
    boolean store(Agency agency, ChangeFiled change, Addressee addressee, String messageJson) {
        Instant now = clock.instant();
        AdapterDelivery arriving = AdapterDelivery.received(
                addressee.deliveryId(),
                agency.code().value(),
                addressee.subjectRef(),
                change.sequence(),
                change.type(),
                change.receipt(),
                now);
        return Boolean.TRUE.equals(transactions.execute(tx -> {
            // Siblings are locked before the insert: the insert takes the subject's head-of-line lock (V3 trigger),
            // and no transaction may wait for a delivery row while holding that lock, or two could deadlock.
            List<DeliveryStore.Sibling> siblings = store.sameSubjectAndType(arriving, now);
            if (!store.insertIfAbsent(arriving, messageJson, now)) {
                log.debug(
                        "delivery {} for {} (receipt {}) already received; redelivery ignored",
                        arriving.deliveryId(),
                        arriving.agency(),
                        arriving.receipt());
                return false;
            }
            log.info(
                    "delivery {} for {} (receipt {}) received as PENDING",
                    arriving.deliveryId(),
                    arriving.agency(),
                    arriving.receipt());
            settleOnArrival(agency, arriving, siblings, now);
            return true;
        }));
    }

    private void settleOnArrival(
            Agency agency, AdapterDelivery arriving, List<DeliveryStore.Sibling> siblings, Instant now) {
        for (DeliveryStore.Sibling sibling : siblings) {
            if (!sibling.inFlight() && sibling.delivery().isSupersededBy(arriving)) {
                settlement.record(sibling.delivery(), sibling.delivery().superseded(arriving), null, now);
            }
        }
        Optional<AdapterDelivery> newer = siblings.stream()
                .map(DeliveryStore.Sibling::delivery)
                .filter(arriving::isSupersededBy)
                .max(Comparator.comparingLong(AdapterDelivery::sequence));
        if (newer.isPresent()) {
            settlement.record(arriving, arriving.superseded(newer.get()), null, now);
        } else if (!agency.subscribesTo(arriving.changeType())) {
            settlement.record(
                    arriving,
                    arriving.parked(null, "agency " + agency.code() + " does not take " + arriving.changeType()),
                    null,
                    now);
        } else if (control.state(agency.code().value()).disabled()) {
            settlement.record(arriving, arriving.parked(null, AnswerPolicy.AGENCY_DISABLED), null, now);
        }
    }
}
