package tw.tongbao.gateway.status;

/** What to do with one delivery report. */
enum ReportVerdict {
    /** A newer, legal move: apply it. */
    APPLY,
    /** Its revision is not newer than the last one applied: late or duplicate, ignore it. */
    STALE,
    /** Newer, but the move is not in the transition table (or repeats the status with no new try): ignore it. */
    ILLEGAL,
    /** It names another agency than the delivery's: ignore it. */
    WRONG_AGENCY
}
