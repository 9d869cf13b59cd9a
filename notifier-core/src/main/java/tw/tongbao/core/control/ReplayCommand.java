package tw.tongbao.core.control;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * Delivers again, with the same delivery ids, every delivery of one agency first delivered in [since, until).
 *
 * @param agency the agency's code
 * @param since start of the window, inclusive
 * @param until end of the window, exclusive
 * @param actor who acted
 * @param reason why
 * @param commandId the command's id (idempotency)
 */
public record ReplayCommand(String agency, Instant since, Instant until, String actor, String reason, UUID commandId)
        implements OperatorCommand {

    public ReplayCommand {
        Objects.requireNonNull(agency, "agency");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(until, "until");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(commandId, "command id");
        if (!since.isBefore(until)) {
            throw new IllegalArgumentException("replay window is empty: since " + since + " is not before " + until);
        }
    }
}
