package tw.tongbao.core.control;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * Pauses, resumes or re-enables one agency.
 *
 * @param agency the agency's code
 * @param action what to do
 * @param actor who acted
 * @param reason why
 * @param issuedAt when the operator acted
 * @param commandId the command's id (idempotency)
 */
public record AgencyCommand(String agency, Action action, String actor, String reason, Instant issuedAt, UUID commandId)
        implements OperatorCommand {

    public AgencyCommand {
        Objects.requireNonNull(agency, "agency");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(commandId, "command id");
    }

    /** What an agency command does. */
    public enum Action {
        /** Stop claiming its deliveries; they wait without spending retries. */
        PAUSE,
        /** Claim its deliveries again after a pause. */
        RESUME,
        /** Lift the disable a 410 set; parked deliveries stay parked until retried. */
        ENABLE
    }
}
