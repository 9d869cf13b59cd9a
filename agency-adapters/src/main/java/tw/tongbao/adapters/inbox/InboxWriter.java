package tw.tongbao.adapters.inbox;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import tw.tongbao.adapters.resilience.AgencyControl;
import tw.tongbao.adapters.transport.AdapterDelivery;
import tw.tongbao.adapters.transport.AnswerPolicy;
import tw.tongbao.adapters.transport.DeliverySettlement;
import tw.tongbao.adapters.transport.DeliveryStore;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.change.ChangeType;
import tw.tongbao.core.envelope.Addressee;
import tw.tongbao.core.envelope.ChangeFiled;

/**
 * Stores the deliveries of received changes: first the changes' messages, each once, in a short transaction of their
 * own, then a batch's deliveries, of one agency or several, in one transaction: the rows (a redelivery changes nothing),
 * supersession of older unsent deliveries of the same type, and their reports. The batch's rows are read, locked and
 * inserted with one statement each, whatever its size and however many agencies it spans; supersession and parking,
 * which are rare, are written one by one.
 */
@Component
class InboxWriter {

    private static final Logger log = LoggerFactory.getLogger(InboxWriter.class);

    /**
     * Most deliveries one delivery transaction stores. Each new delivery takes its subject's head-of-line advisory lock
     * (V15), held to the commit in PostgreSQL's shared lock table, which holds about {@code max_locks_per_transaction}
     * (64) × {@code max_connections} (100) locks for all sessions together; an inbox batch of 64 messages, each a batch
     * of up to 100 changes, could hold 6,400 at once and leave other sessions "out of shared memory". Parts of this
     * size keep each transaction's locks, and how long a settlement may wait for one of them, small.
     */
    static final int DELIVERIES_PER_TRANSACTION = 500;

    private static final Comparator<Agency> BY_CODE =
            Comparator.comparing(agency -> agency.code().value());

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
    boolean store(Agency agency, Received received) {
        return storeAll(agency, List.of(received));
    }

    /**
     * Stores a batch of deliveries of one agency with the same effect as storing them one after another in list order:
     * their messages ({@link #storeMessages}), then the deliveries in one transaction ({@link #storeDeliveries}); false
     * when every one was already stored (redelivered messages). Not to be called inside a transaction.
     */
    boolean storeAll(Agency agency, List<Received> received) {
        storeMessages(received);
        return storeDeliveries(agency, received);
    }

    /**
     * Stores the changes' messages, each change once however many of its deliveries the batch holds, in a transaction
     * of their own, committed when this returns; refuses to run inside another transaction, whose commit it would
     * otherwise wait for.
     *
     * <p>Why on their own: every agency's delivery of a change needs the same message row, and other instances' inboxes
     * store the same changes (the agency queues have a consumer on every instance). An insert that meets another
     * transaction's uncommitted row of the same change waits until that transaction ends; inside the delivery
     * transaction, that would be another instance's whole batch (locks, inserts, supersession, reports), and the
     * instances' inboxes would take turns; here a row is held for one statement.
     *
     * <p>Between this commit and the delivery transaction's, a crash or failure leaves messages stored for deliveries
     * that are not: their AMQP messages were not acknowledged, so they come back and this statement then finds the rows
     * there and leaves them (the claim reads the same text). A message whose deliveries are never stored (its change
     * later set aside as poison by the one-by-one retry) stays as a row nothing reads; nothing deletes it,
     * and nothing needs to: the claim only reads a message through one of its deliveries, and another agency's
     * delivery of the same change reuses it. The delivery rows are inserted only after this commit, and no statement
     * deletes a message, so no delivery is ever without its message.
     *
     * <p>Bytes that are not UTF-8 fail here with a {@link org.springframework.dao.DataIntegrityViolationException},
     * before any delivery is written, as they failed the single transaction before.
     */
    void storeMessages(List<Received> received) {
        if (received.isEmpty()) {
            return;
        }
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("messages are stored in a transaction of their own, not inside another");
        }
        Map<UUID, byte[]> bodies = new LinkedHashMap<>();
        for (Received r : received) {
            bodies.putIfAbsent(r.change().changeId(), r.message());
        }
        List<DeliveryStore.Message> messages = bodies.entrySet().stream()
                .map(e -> new DeliveryStore.Message(e.getKey(), e.getValue()))
                .toList();
        transactions.executeWithoutResult(tx -> {
            // The delivery transaction's commit, which the acknowledgement waits for, flushes this one's too.
            store.commitWithoutWaitingForTheDisk();
            store.storeMessages(messages);
        });
    }

    /**
     * Stores a batch of deliveries of one agency, in one transaction (the caller's, if it has one); false when every one
     * was already stored (redelivered messages). See {@link #storeDeliveries(Map)}.
     */
    boolean storeDeliveries(Agency agency, List<Received> received) {
        return !storeDeliveries(Map.of(agency, received)).isEmpty();
    }

    /**
     * Stores a batch of deliveries of several agencies in one transaction (the caller's, if it has one), with the same
     * effect as storing each agency's deliveries one after another in list order; returns the codes of the agencies
     * that got a new delivery (none when every one was a redelivery). Their messages must have been stored and
     * committed first ({@link #storeMessages}): this transaction touches no message row, so it never waits for another
     * inbox's.
     *
     * <p>Lock order: every delivery row the batch reads is locked first, in one statement, in the one row order of all
     * agencies (agency, subject, sequence, id); only then are the arrivals inserted, in that order too. An insert takes
     * its subject's head-of-line lock (V3 trigger), and no transaction may wait for a delivery row while holding such a
     * lock, or two could deadlock: this one never does, however many agencies it spans, and every other transaction
     * that locks delivery rows (the settlement, operator commands, another instance's inbox) locks them in the same
     * order before taking head-of-line locks. Supersession and parking then only change rows locked at the start, of
     * subjects whose head-of-line lock the inserts already took.
     */
    Set<String> storeDeliveries(Map<Agency, List<Received>> received) {
        List<Agency> agencies = received.entrySet().stream()
                .filter(e -> !e.getValue().isEmpty())
                .map(Map.Entry::getKey)
                .sorted(BY_CODE)
                .toList();
        if (agencies.isEmpty()) {
            return Set.of();
        }
        Instant now = clock.instant();
        List<DeliveryStore.Arrival> arrivals = new ArrayList<>();
        for (Agency agency : agencies) {
            for (Received r : received.get(agency)) {
                arrivals.add(new DeliveryStore.Arrival(
                        AdapterDelivery.received(
                                r.addressee().deliveryId(),
                                agency.code().value(),
                                r.addressee().subjectRef(),
                                r.change().sequence(),
                                r.change().type(),
                                r.change().receipt(),
                                now),
                        r.change().changeId()));
            }
        }
        List<AdapterDelivery> arriving =
                arrivals.stream().map(DeliveryStore.Arrival::delivery).toList();
        return transactions.execute(tx -> {
            // Every agency's siblings are locked before the first insert (see above for why).
            Map<String, List<DeliveryStore.Sibling>> rows = new HashMap<>();
            for (DeliveryStore.Sibling sibling : store.sameSubjectAndType(arriving, now)) {
                rows.computeIfAbsent(sibling.delivery().agency(), code -> new ArrayList<>())
                        .add(sibling);
            }
            boolean[] stored = store.insertAllIfAbsent(arrivals, now);
            Set<String> storing = new LinkedHashSet<>();
            int i = 0;
            for (Agency agency : agencies) {
                String code = agency.code().value();
                Batch batch = new Batch(agency, rows.getOrDefault(code, List.of()));
                for (int end = i + received.get(agency).size(); i < end; i++) {
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
                    storing.add(code);
                }
            }
            return storing;
        });
    }

    /**
     * The deliveries of a batch cut into parts of at most {@link #DELIVERIES_PER_TRANSACTION}, each to be stored in a
     * transaction of its own, in order: the agencies in the batch's order, each agency's deliveries in list order, so
     * a later part sees the earlier ones stored, as a later batch would. At least one part, empty when there are none.
     */
    static List<Map<Agency, List<Received>>> parts(Map<Agency, List<Received>> received) {
        List<Map<Agency, List<Received>>> parts = new ArrayList<>();
        Map<Agency, List<Received>> part = new LinkedHashMap<>();
        int size = 0;
        for (Map.Entry<Agency, List<Received>> agency : received.entrySet()) {
            for (Received one : agency.getValue()) {
                if (size == DELIVERIES_PER_TRANSACTION) {
                    parts.add(part);
                    part = new LinkedHashMap<>();
                    size = 0;
                }
                part.computeIfAbsent(agency.getKey(), a -> new ArrayList<>()).add(one);
                size++;
            }
        }
        parts.add(part);
        return parts;
    }

    /**
     * A change and this agency's entry in it, with the bytes its message row stores (UTF-8 JSON): a lone message's body
     * as it came, or the change's own bytes in a batch.
     */
    record Received(ChangeFiled change, Addressee addressee, byte[] message) {}

    /**
     * The rows one agency's part of a batch reads and changes, as this transaction sees them: those locked at its start,
     * then each arrival once stored, each updated as it is superseded or parked, so later arrivals see earlier ones.
     */
    private final class Batch {

        private final Agency agency;

        /**
         * The rows by subject and change type, each group by delivery id: an arrival looks only at its own group, not
         * at the whole part's rows (up to {@link #DELIVERIES_PER_TRANSACTION} of one agency, all by the end).
         */
        private final Map<SubjectAndType, Map<UUID, DeliveryStore.Sibling>> rows = new HashMap<>();

        private Boolean disabled;

        Batch(Agency agency, List<DeliveryStore.Sibling> locked) {
            this.agency = agency;
            locked.forEach(this::put);
        }

        void settleOnArrival(AdapterDelivery arriving, Instant now) {
            List<DeliveryStore.Sibling> siblings = new ArrayList<>();
            for (DeliveryStore.Sibling row :
                    rows.getOrDefault(SubjectAndType.of(arriving), Map.of()).values()) {
                if (!row.delivery().deliveryId().equals(arriving.deliveryId())) {
                    siblings.add(row);
                }
            }
            siblings.sort(Comparator.comparingLong(s -> s.delivery().sequence()));
            for (DeliveryStore.Sibling sibling : siblings) {
                if (!sibling.inFlight() && sibling.delivery().isSupersededBy(arriving)) {
                    record(sibling.delivery(), sibling.delivery().superseded(arriving), now);
                }
            }
            put(new DeliveryStore.Sibling(arriving, false));
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

        private void put(DeliveryStore.Sibling row) {
            rows.computeIfAbsent(SubjectAndType.of(row.delivery()), key -> new LinkedHashMap<>())
                    .put(row.delivery().deliveryId(), row);
        }

        private void record(AdapterDelivery before, AdapterDelivery after, Instant now) {
            if (settlement.record(before, after, null, now)) {
                put(new DeliveryStore.Sibling(after, false));
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

    /** What makes two deliveries of one agency siblings: the same subject and the same type of change. */
    private record SubjectAndType(String subjectRef, ChangeType changeType) {

        static SubjectAndType of(AdapterDelivery delivery) {
            return new SubjectAndType(delivery.subjectRef(), delivery.changeType());
        }
    }
}
