package tw.tongbao.bench.load;

/**
 * One change the gateway accepted.
 *
 * @param receipt the receipt from the 202 answer
 * @param intendedNanos when the open-loop schedule meant to send it ({@link System#nanoTime()})
 * @param acceptedNanos when the 202 answer arrived
 * @param agencies bit mask of the agencies the answer lists deliveries for (positions of {@code AgencyCodes})
 */
public record Accepted(String receipt, long intendedNanos, long acceptedNanos, int agencies) {}
