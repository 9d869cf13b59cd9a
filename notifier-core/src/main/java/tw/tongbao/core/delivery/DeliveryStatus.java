package tw.tongbao.core.delivery;

/** Where one delivery (one change for one agency) stands; the legal moves are in {@link DeliveryTransitions}. */
public enum DeliveryStatus {
    /** Recorded; not yet tried. */
    PENDING,
    /** At least one failed try; a next attempt is scheduled. */
    RETRYING,
    /** The agency has it (2xx/409, or its batch file is in place). */
    DELIVERED,
    /** The agency confirmed it applied the change. */
    APPLIED,
    /** The agency refused it for good. */
    REJECTED,
    /** Tries exhausted or agency disabled; an operator must act. */
    PARKED,
    /** A newer change of the same type for the same subject replaced it before it was delivered. */
    SUPERSEDED,
    /** An operator discarded it, with a reason. */
    CANCELLED;

    /** Whether work on this delivery is still to be done by the system. */
    public boolean isOpen() {
        return this == PENDING || this == RETRYING;
    }

    /** Whether the agency has (or had and applied) this delivery. */
    public boolean isSuccessful() {
        return this == DELIVERED || this == APPLIED;
    }
}
