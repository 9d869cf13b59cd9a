package tw.tongbao.core.control;

import java.util.UUID;

/**
 * An operator's action, sent by the gateway to the adapters over {@code tongbao.control}; applied once per
 * {@link #commandId()}.
 */
public sealed interface OperatorCommand permits AgencyCommand, DeliveryCommand, ReplayCommand {

    /** Identifies the command: a command seen again (a redelivery, a resend) changes nothing. */
    UUID commandId();

    /** The agency's code the command concerns. */
    String agency();

    /** Who acted (the operator's national ID or staff id, as the gateway audits it). */
    String actor();

    /** Why the operator acted. */
    String reason();
}
