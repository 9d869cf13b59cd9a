package tw.tongbao.gateway.status;

/** What to do with one delivery report. */
enum ReportVerdict {
    /** A newer, legal move: apply it. */
    APPLY,
    /** Its revision is not newer than the last one applied, and its step is in the timeline: a duplicate. */
    STALE,
    /**
     * Older than the last one applied, and its step missing from the timeline: it arrived after a later report that
     * was applied. The step goes into the timeline (with its try); the delivery's state does not change.
     */
    LATE,
    /**
     * Newer, but no history leads there: the next revision with a move the transition table forbids (or the same
     * status with no new try), or a later one after an end state. Ignore it.
     */
    ILLEGAL,
    /** It names another agency than the delivery's: ignore it. */
    WRONG_AGENCY
}
