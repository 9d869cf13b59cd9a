package tw.tongbao.core.agency;

/** Why an agency is told about a change. */
public enum Basis {
    /** The law requires it: always notified of the types it subscribes to. */
    LAW,
    /** Only when the citizen chose the agency in {@code notify}. */
    CONSENT
}
