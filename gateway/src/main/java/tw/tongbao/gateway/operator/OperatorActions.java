package tw.tongbao.gateway.operator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tw.tongbao.core.control.OperatorCommand;
import tw.tongbao.gateway.audit.Actor;
import tw.tongbao.gateway.audit.AuditEntry;
import tw.tongbao.gateway.audit.AuditLog;

/**
 * Carries out operator actions: the audit record is written (and committed) first, then the command is sent; a
 * command the broker did not confirm gets a follow-up audit record, and the caller answers 503.
 */
@Component
class OperatorActions {

    private static final Logger log = LoggerFactory.getLogger(OperatorActions.class);

    private final AuditLog audit;
    private final CommandPublisher publisher;

    OperatorActions(AuditLog audit, CommandPublisher publisher) {
        this.audit = audit;
        this.publisher = publisher;
    }

    /**
     * What became of one action.
     *
     * @param action the audited action, e.g. {@code delivery.retry}
     * @param target what it concerned
     * @param auditId the audit record of the action
     * @param commands commands sent
     * @param unconfirmed ids of the commands the broker did not confirm
     * @param failure why the first unconfirmed one failed, or null
     */
    record Outcome(String action, String target, long auditId, int commands, List<UUID> unconfirmed, String failure) {

        boolean confirmed() {
            return unconfirmed.isEmpty();
        }
    }

    /** Audits then sends one command. */
    Outcome act(
            Actor actor, String action, String target, String reason, Map<String, ?> facts, OperatorCommand command) {
        return actAll(actor, action, target, reason, facts, List.of(command));
    }

    /** Audits the action once, then sends every command (a bulk retry sends one per delivery). */
    Outcome actAll(
            Actor actor,
            String action,
            String target,
            String reason,
            Map<String, ?> facts,
            List<? extends OperatorCommand> commands) {
        Map<String, Object> details = new LinkedHashMap<>(facts);
        if (commands.size() == 1) {
            details.put("commandId", commands.get(0).commandId().toString());
        }
        details.put("commands", commands.size());
        AuditEntry entry = audit.append(actor, action, target, reason, details);
        List<UUID> unconfirmed = new ArrayList<>();
        String failure = null;
        for (OperatorCommand command : commands) {
            CommandPublisher.Sent sent = publisher.send(command);
            if (!sent.confirmed()) {
                unconfirmed.add(command.commandId());
                failure = failure == null ? sent.failure() : failure;
            }
        }
        if (!unconfirmed.isEmpty()) {
            Map<String, Object> followUp = new LinkedHashMap<>();
            followUp.put("auditId", entry.id());
            followUp.put(
                    "unconfirmedCommands",
                    unconfirmed.stream().map(UUID::toString).toList());
            followUp.put("failure", failure);
            audit.append(actor, action + ".unconfirmed", target, reason, followUp);
            log.warn(
                    "{} on {} by {}: {} of {} commands not confirmed ({})",
                    action,
                    target,
                    actor.subject(),
                    unconfirmed.size(),
                    commands.size(),
                    failure);
        } else {
            log.info("{} on {} by {}: {} command(s) sent", action, target, actor.subject(), commands.size());
        }
        return new Outcome(action, target, entry.id(), commands.size(), List.copyOf(unconfirmed), failure);
    }
}
