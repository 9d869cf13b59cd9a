package tw.tongbao.adapters.control;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;
import tw.tongbao.adapters.transport.AdapterDelivery;
import tw.tongbao.adapters.transport.DeliverySettlement;
import tw.tongbao.adapters.transport.DeliveryStore;
import tw.tongbao.adapters.transport.OperatorDeliveries;
import tw.tongbao.core.control.ReplayCommand;

/**
 * Replays the deliveries a replay command chose, a chunk per transaction, so that neither memory nor the head-of-line
 * locks one transaction takes grow with the replay. Each chosen delivery is marked in the transaction that replays it,
 * so a replay cut short is finished, with none replayed twice, when its command comes again.
 */
final class Replays {

    private static final Logger log = LoggerFactory.getLogger(Replays.class);

    /** Chosen deliveries replayed per transaction. */
    static final int CHUNK = 500;

    private final OperatorDeliveries deliveries;
    private final DeliverySettlement settlement;
    private final TransactionTemplate transactions;
    private final Clock clock;

    Replays(
            OperatorDeliveries deliveries,
            DeliverySettlement settlement,
            TransactionTemplate transactions,
            Clock clock) {
        this.deliveries = deliveries;
        this.settlement = settlement;
        this.transactions = transactions;
        this.clock = clock;
    }

    /** Why a replayed delivery is pending again, as its report says. */
    static String reason(ReplayCommand command) {
        return "replayed by operator " + command.actor() + (command.reason() == null ? "" : ": " + command.reason());
    }

    /** Replays whatever the command chose and has not replayed yet; returns how many it made pending again. */
    int replayChosen(ReplayCommand command) {
        int replayed = 0;
        long after = 0;
        while (true) {
            long from = after;
            Chunk chunk = transactions.execute(tx -> replayChunk(command, from));
            if (chunk.lastPosition() == 0) {
                break;
            }
            replayed += chunk.replayed();
            after = chunk.lastPosition();
        }
        transactions.executeWithoutResult(tx -> deliveries.forgetReplayIfDone(command.commandId()));
        return replayed;
    }

    /** In one transaction: the next chosen deliveries, locked, each still replayable made pending with its report. */
    private Chunk replayChunk(ReplayCommand command, long after) {
        List<OperatorDeliveries.ReplayItem> items = deliveries.nextToReplay(command.commandId(), after, CHUNK);
        if (items.isEmpty()) {
            return new Chunk(0, 0);
        }
        List<AdapterDelivery> replayable = deliveries.lockReplayable(
                command.commandId(),
                items.stream().map(OperatorDeliveries.ReplayItem::deliveryId).toList());
        Instant now = clock.instant();
        String why = reason(command);
        int replayed = settlement.recordAll(
                replayable.stream()
                        .map(d -> new DeliveryStore.StateChange(d, d.pendingAgain(why, now)))
                        .toList(),
                now);
        if (replayable.size() < items.size()) {
            logPassedOver(command, items, replayable);
        }
        deliveries.markReplayed(command.commandId(), items);
        return new Chunk(items.get(items.size() - 1).position(), replayed);
    }

    private static void logPassedOver(
            ReplayCommand command, List<OperatorDeliveries.ReplayItem> items, List<AdapterDelivery> replayable) {
        Set<UUID> replaying =
                replayable.stream().map(AdapterDelivery::deliveryId).collect(Collectors.toSet());
        for (OperatorDeliveries.ReplayItem item : items) {
            if (!replaying.contains(item.deliveryId())) {
                log.info(
                        "delivery {} for {} not replayed by command {}: it changed since the replay chose it",
                        item.deliveryId(),
                        command.agency(),
                        command.commandId());
            }
        }
    }

    /** What one chunk did: the position of its last chosen delivery (0 when none was left), and how many it replayed. */
    private record Chunk(long lastPosition, int replayed) {}
}
