package tw.tongbao.gateway.operator;

/** Bodies of the operator API's POST requests; fields are checked where they are used. */
final class OpsRequests {

    private OpsRequests() {}

    /**
     * Why an operator acts ({@code {"reason": "…"}}).
     *
     * @param reason why
     */
    record Reason(String reason) {}

    /**
     * A replay window ({@code {"since", "until", "reason"}}).
     *
     * @param since start, inclusive (ISO-8601 instant)
     * @param until end, exclusive
     * @param reason why
     */
    record Replay(String since, String until, String reason) {}

    /**
     * Which deliveries a bulk retry concerns.
     *
     * @param agency only this agency's (optional)
     * @param status PARKED (default) or REJECTED
     * @param since last changed at or after (optional)
     * @param until last changed before (optional)
     * @param reason why (optional)
     */
    record BulkRetry(String agency, String status, String since, String until, String reason) {}

    static String reasonOf(Reason body) {
        return body == null || body.reason() == null || body.reason().isBlank()
                ? null
                : body.reason().trim();
    }
}
