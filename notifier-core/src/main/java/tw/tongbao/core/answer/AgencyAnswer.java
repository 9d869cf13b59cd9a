package tw.tongbao.core.answer;

/** What an agency's answer to one try means for the delivery, per the contract's table. */
public enum AgencyAnswer {
    /** 2xx, or 409 (it already has it): the agency has the delivery. */
    DELIVERED,
    /** 400, 422, SOAP {@code Client} fault: refused for good, never retried. */
    REJECTED,
    /** 410: the agency is gone; park its deliveries and alert operators. */
    AGENCY_DISABLED,
    /** 408, 429, 5xx, timeout, refused connection, TLS error: try again later. */
    TRANSIENT_FAILURE,
    /** 3xx, other 4xx: try again, then park. */
    UNEXPECTED;

    /** Reads an HTTP status code. */
    public static AgencyAnswer ofHttpStatus(int status) {
        if ((status >= 200 && status < 300) || status == 409) {
            return DELIVERED;
        }
        if (status == 400 || status == 422) {
            return REJECTED;
        }
        if (status == 410) {
            return AGENCY_DISABLED;
        }
        if (status == 408 || status == 429 || status >= 500) {
            return TRANSIENT_FAILURE;
        }
        return UNEXPECTED;
    }

    /** Whether another try may follow. */
    public boolean isRetryable() {
        return this == TRANSIENT_FAILURE || this == UNEXPECTED;
    }
}
