package tw.tongbao.adapters.inbox;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
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
 * Stores one agency's deliveries of received changes, a batch in one transaction: the rows (a redelivery changes
 * nothing), supersession of older unsent deliveries of the same type, and their reports. The batch's rows are read,
 * locked and inserted with one statement each, whatever its size; supersession and parking, which are rare, are
 * written one by one.
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
    boolean store(Agency agency, ChangeFiled change, Addressee addressee, byte[] message) {
        return storeAll(agency, List.of(new Received(change, addressee, message)));
    }

    /**
     * Stores a batch of deliveries of one agency, in one transaction, with the same effect as storing them one after
     * another in list order; false when every one was already stored (redelivered messages).
     */
    boolean storeAll(Agency agency, List<Received> received) {
        if (received.isEmpty()) {
            return false;
        }
        Instant now = clock.instant();
        List<DeliveryStore.Arrival> arrivals = received.stream()
                .map(r -> new DeliveryStore.Arrival(
                        AdapterDelivery.received(
                                r.addressee().deliveryId(),
                                agency.code().value(),
                                r.addressee().subjectRef(),
                                r.change().sequence(),
                                r.change().type(),
                                r.change().receipt(),
                                now),
                        r.change().changeId(),
                        r.message()))
                .toList();
        List<AdapterDelivery> arriving =
                arrivals.stream().map(DeliveryStore.Arrival::delivery).toList();
        return Boolean.TRUE.equals(transactions.execute(tx -> {
            // First: other agencies' inbox transactions store the same changes' messages (see storeMessages).
            store.storeMessages(arrivals);
            // All siblings are locked before the first insert: an insert takes the subject's head-of-line lock (V3
            // trigger), and no transaction may wait for a delivery row while holding that lock, or two could deadlock.
            Map<UUID, DeliveryStore.Sibling> rows = new LinkedHashMap<>();
            for (DeliveryStore.Sibling sibling : store.sameSubjectAndType(arriving, now)) {
                rows.put(sibling.delivery().deliveryId(), sibling);
            }
            boolean[] stored = store.insertAllIfAbsent(arrivals, now);
            Batch batch = new Batch(agency, rows);
            boolean any = false;
            for (int i = 0; i < arriving.size(); i++) {
                AdapterDelivery delivery = arriving.get(i);
                if (!stored[i]) {
                    log.debug(
                            "delivery {} for {} (receipt {}) already received; redelivery ignored",
                            delivery.deliveryId(),
                            delivery.agency(),
                            delivery.receipt());
                    continue;
                }
                log.info(
                        "delivery {} for {} (receipt {}) received as PENDING",
                        delivery.deliveryId(),
                        delivery.agency(),
                        delivery.receipt());
                batch.settleOnArrival(delivery, now);
                any = true;
            }
            return any;
        }));
    }

    /** One message's change and this agency's entry in it, with the message's body as it came (UTF-8 JSON). */
    record Received(ChangeFiled change, Addressee addressee, byte[] message) {}

    /**
     * The rows one batch reads and changes, as this transaction sees them: those locked at its start, then each arrival
     * once stored, each updated as it is superseded or parked, so later arrivals of the batch see earlier ones.
     */
    private final class Batch {

        private final Agency agency;
        private final Map<UUID, DeliveryStore.Sibling> rows;
        private Boolean disabled;

        Batch(Agency agency, Map<UUID, DeliveryStore.Sibling> rows) {
            this.agency = agency;
            this.rows = rows;
        }

        void settleOnArrival(AdapterDelivery arriving, Instant now) {
            List<DeliveryStore.Sibling> siblings = new ArrayList<>();
            for (DeliveryStore.Sibling row : rows.values()) {
                AdapterDelivery other = row.delivery();
                if (!other.deliveryId().equals(arriving.deliveryId())
                        && other.subjectRef().equals(arriving.subjectRef())
                        && other.changeType() == arriving.changeType()) {
                    siblings.add(row);
                }
            }
            siblings.sort(Comparator.comparingLong(s -> s.delivery().sequence()));
            for (DeliveryStore.Sibling sibling : siblings) {
                if (!sibling.inFlight() && sibling.delivery().isSupersededBy(arriving)) {
                    record(sibling.delivery(), sibling.delivery().superseded(arriving), now);
                }
            }
            rows.put(arriving.deliveryId(), new DeliveryStore.Sibling(arriving, false));
            Optional<AdapterDelivery> newer = siblings.stream()
                    .map(DeliveryStore.Sibling::delivery)
                    .filter(arriving::isSupersededBy)
                    .max(Comparator.comparingLong(AdapterDelivery::sequence));
            if (newer.isPresent()) {
                record(arriving, arriving.superseded(newer.get()), now);
            } else if (!agency.subscribesTo(arriving.changeType())) {
                record(
                        arriving,
                        arriving.parked(null, "agency " + agency.code() + " does not take " + arriving.changeType()),
                        now);
            } else if (disabled()) {
                record(arriving, arriving.parked(null, AnswerPolicy.AGENCY_DISABLED), now);
            }
        }

        private void record(AdapterDelivery before, AdapterDelivery after, Instant now) {
            if (settlement.record(before, after, null, now)) {
                rows.put(after.deliveryId(), new DeliveryStore.Sibling(after, false));
            }
        }

        /** Read once per batch. */
        private boolean disabled() {
            if (disabled == null) {
                disabled = control.state(agency.code().value()).disabled();
            }
            return disabled;
        }
    }
}
