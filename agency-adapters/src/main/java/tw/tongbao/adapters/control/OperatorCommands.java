package tw.tongbao.adapters.control;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tw.tongbao.adapters.resilience.AgencyControl;
import tw.tongbao.adapters.transport.AdapterDelivery;
import tw.tongbao.adapters.transport.DeliverySettlement;
import tw.tongbao.adapters.transport.DeliveryStore;
import tw.tongbao.adapters.transport.OperatorDeliveries;
import tw.tongbao.core.agency.AgencyCode;
import tw.tongbao.core.agency.AgencyRegistry;
import tw.tongbao.core.control.AgencyCommand;
import tw.tongbao.core.control.DeliveryCommand;
import tw.tongbao.core.control.OperatorCommand;
import tw.tongbao.core.control.ReplayCommand;
import tw.tongbao.core.delivery.DeliveryStatus;

/**
 * Applies operator commands, each once (by command id) and in one transaction with the state changes and reports it
 * makes, except a replay's, which are made a chunk per transaction after it; a command that cannot apply is recorded
 * as refused, with why.
 */
@Service
public class OperatorCommands {

    private static final Logger log = LoggerFactory.getLogger(OperatorCommands.class);

    private final OperatorDeliveries deliveries;
    private final DeliverySettlement settlement;
    private final AgencyControl control;
    private final AgencyRegistry registry;
    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final Replays replays;

    public OperatorCommands(
            OperatorDeliveries deliveries,
            DeliverySettlement settlement,
            AgencyControl control,
            AgencyRegistry registry,
            JdbcClient jdbc,
            TransactionTemplate transactions,
            Clock clock) {
        this.deliveries = deliveries;
        this.settlement = settlement;
        this.control = control;
        this.registry = registry;
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.clock = clock;
        this.replays = new Replays(deliveries, settlement, transactions, clock);
    }

    /**
     * Applies the command unless it was applied before; returns what it did, or empty for a command seen before. A
     * replay chooses its deliveries in the command's transaction and replays them afterwards, a chunk per transaction;
     * a replay cut short is finished when its command comes again (the control queue redelivers what was not
     * acknowledged).
     */
    public Optional<String> apply(OperatorCommand command) {
        Optional<String> outcome = Optional.ofNullable(transactions.execute(tx -> applyOnce(command)));
        if (command instanceof ReplayCommand replay) {
            int replayed = replays.replayChosen(replay);
            if (outcome.isEmpty() && replayed > 0) {
                log.info(
                        "command {} (replay) for {} was cut short; {} more deliveries replayed",
                        command.commandId(),
                        command.agency(),
                        replayed);
                return Optional.of("finished a replay cut short: replayed " + replayed + " more deliveries");
            }
        }
        return outcome;
    }

    private String applyOnce(OperatorCommand command) {
        Instant now = clock.instant();
        if (!remember(command, now)) {
            log.info("command {} already applied; ignored", command.commandId());
            return null;
        }
        String outcome = knownAgency(command.agency()) ? applyNew(command, now) : refused("unknown agency");
        jdbc.sql("UPDATE applied_command SET outcome = :outcome WHERE command_id = :id")
                .param("outcome", outcome)
                .param("id", command.commandId())
                .update();
        log.info(
                "command {} ({}) by {} for {}: {}",
                command.commandId(),
                command.getClass().getSimpleName(),
                command.actor(),
                command.agency(),
                outcome);
        return outcome;
    }

    private String applyNew(OperatorCommand command, Instant now) {
        if (command instanceof AgencyCommand agency) {
            return apply(agency);
        }
        if (command instanceof DeliveryCommand delivery) {
            return apply(delivery, now);
        }
        return apply((ReplayCommand) command);
    }

    private String apply(AgencyCommand command) {
        String why = "by " + command.actor() + (command.reason() == null ? "" : ": " + command.reason());
        switch (command.action()) {
            case PAUSE -> control.pause(command.agency(), "paused " + why);
            case RESUME -> control.resume(command.agency());
            case ENABLE -> control.enable(command.agency());
        }
        return command.action().name().toLowerCase(java.util.Locale.ROOT) + "d";
    }

    private String apply(DeliveryCommand command, Instant now) {
        Optional<DeliveryStore.Sibling> found = deliveries.lock(command.deliveryId(), now);
        if (found.isEmpty() || !found.get().delivery().agency().equals(command.agency())) {
            return refused("no delivery " + command.deliveryId() + " for " + command.agency());
        }
        AdapterDelivery delivery = found.get().delivery();
        String why = command.action().name().toLowerCase(java.util.Locale.ROOT) + "ed by operator " + command.actor()
                + (command.reason() == null ? "" : ": " + command.reason());
        return switch (command.action()) {
            case RETRY -> retry(delivery, why, now);
            case CANCEL -> cancel(delivery, found.get().inFlight(), why, now);
        };
    }

    private String retry(AdapterDelivery delivery, String why, Instant now) {
        if (delivery.status() != DeliveryStatus.PARKED && delivery.status() != DeliveryStatus.REJECTED) {
            return refused("delivery is " + delivery.status() + "; only PARKED or REJECTED deliveries are retried");
        }
        Optional<AdapterDelivery> newer = deliveries.newerOfSameType(delivery);
        if (newer.isPresent()) {
            // Sending it now would leave the agency holding an older value than it has or will get.
            if (delivery.status() != DeliveryStatus.PARKED) {
                return refused("a newer " + delivery.changeType() + " (sequence "
                        + newer.get().sequence() + ") replaces it");
            }
            settlement.record(delivery, delivery.superseded(newer.get()), null, now);
            return "superseded by sequence " + newer.get().sequence() + " instead of retried";
        }
        settlement.record(delivery, delivery.pendingAgain(why, now), null, now);
        return "retried";
    }

    private String cancel(AdapterDelivery delivery, boolean inFlight, String why, Instant now) {
        return switch (delivery.status()) {
            case PENDING, RETRYING -> {
                if (inFlight) {
                    deliveries.requestCancel(delivery, why);
                    yield "cancel requested; applied when its try under way settles";
                }
                settlement.record(delivery, delivery.cancelled(null, why), null, now);
                yield "cancelled";
            }
            case PARKED, REJECTED -> {
                settlement.record(delivery, delivery.cancelled(null, why), null, now);
                yield "cancelled";
            }
            default -> refused("delivery is " + delivery.status() + " and cannot be cancelled");
        };
    }

    /** Chooses the deliveries to replay; {@link Replays} replays them once this transaction has committed. */
    private String apply(ReplayCommand command) {
        int chosen =
                deliveries.chooseForReplay(command.commandId(), command.agency(), command.since(), command.until());
        long inWindow = deliveries.deliveredBetween(command.agency(), command.since(), command.until());
        String outcome = "replayed " + chosen + " deliveries first delivered in [" + command.since() + ", "
                + command.until() + ")";
        long skipped = inWindow - chosen;
        return skipped > 0
                ? outcome + "; skipped " + skipped + " that a newer change of the same type replaces"
                : outcome;
    }

    private boolean knownAgency(String agency) {
        try {
            return registry.find(new AgencyCode(agency)).isPresent();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private boolean remember(OperatorCommand command, Instant now) {
        return jdbc.sql("INSERT INTO applied_command (command_id, kind, agency, actor, outcome, applied_at)"
                                + " VALUES (:id, :kind, :agency, :actor, 'applying', :at)"
                                + " ON CONFLICT (command_id) DO NOTHING")
                        .param("id", command.commandId())
                        .param("kind", command.getClass().getSimpleName())
                        .param("agency", command.agency())
                        .param("actor", command.actor())
                        .param("at", Timestamp.from(now))
                        .update()
                == 1;
    }

    private static String refused(String why) {
        return "refused: " + why;
    }
}
