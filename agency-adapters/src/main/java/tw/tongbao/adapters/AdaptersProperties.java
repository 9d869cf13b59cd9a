package tw.tongbao.adapters;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How the adapters' delivery engine runs ({@code tongbao.adapters.*}).
 *
 * @param leaseDuration how long a claimed delivery stays reserved beyond its attempt limit (the agency's timeout,
 *     plus the batch interval for batch-csv) before another dispatcher may try it again, even though the instance
 *     holding it still heartbeats; see docs/architecture.md for how to pick it
 * @param pollInterval how often each dispatcher looks for due deliveries when nothing woke it
 * @param claimBatchSize most deliveries one dispatcher claims in one go (also bounded by free bulkhead permits; default
 *     32: with 64 calls in flight per agency, a backlog drained about a tenth faster than with 16, in fewer claims)
 * @param jitterFraction how far a retry wait may stray from the schedule, as a fraction (0.2 = ±20 %)
 * @param maxRetryAfter the longest {@code Retry-After} hint honoured
 * @param consumerPrefetch unacknowledged messages each agency queue may have out to the inbox (default 32): the inbox
 *     consumes every agency queue with one consumer each on one channel, and the prefetch is per consumer, so up to
 *     this many per queue, this times the number of agencies in all, wait in memory for the inbox's thread. A message
 *     may be a batch of up to 100 changes (the gateway's {@code tongbao.outbox.message-bytes}, 128 KiB): after an
 *     outage with full queues, 8 agencies × 32 such messages hold 32 MiB of bodies, 128 would hold 128 MiB
 * @param databaseDownBackoff how long the inbox waits before requeueing messages it could not store
 * @param relayBatchSize most report rows the relay publishes in one go
 * @param relayPollInterval how often the relay looks for reports when nothing woke it
 * @param confirmTimeout how long the relay waits for the broker's confirms of one batch of reports (all in flight together)
 * @param heartbeatInterval how often this instance records that it is alive ({@code adapter_instance})
 * @param instanceStaleAfter how long without a heartbeat before an instance counts as dead and other instances take
 *     over its leases
 * @param healthInterval how often an {@code AgencyHealth} snapshot of each agency is published
 * @param inboxBatchSize most messages, from any of the agency queues, stored together (their changes' messages in one
 *     transaction, all their deliveries in another) and acknowledged together (default 64, but at most the prefetch, so
 *     that one busy queue alone can fill a batch: 32 with the default prefetch)
 * @param inboxBatchWait how long the inbox waits to fill a batch before it stores what it has
 * @param statisticsInterval how often at most each delivery table's planner statistics are refreshed ({@code ANALYZE})
 *     when many of its rows changed; sooner (checked six times an interval) when it has grown past twice the rows they
 *     count; zero turns it off
 * @param agencyStateTtl how long a read agency state (paused, disabled) is used before it is read again: the bound on
 *     how late this instance sees a pause or disable applied by another instance (its own are seen at once); zero
 *     reads it every time
 * @param settlementBatchSize most finished tries of one agency settled together in one transaction
 * @param claimLinger how long a dispatcher with only a few free call slots (fewer than half of the smaller of
 *     {@code claimBatchSize} and the agency's concurrent calls) waits for more tries to finish before it claims what is
 *     free, so that one claim statement takes several deliveries instead of one per finished try; it adds at most this
 *     much latency, and only while the agency is busy; default 5 ms; zero claims on every wake-up
 * @param settlementLinger how long a finished try waits for others of its agency before they are settled together
 *     (unless a full {@code settlementBatchSize} is waiting): the tries of one claim finish within a few milliseconds
 *     of each other, and settled as they came they took two or three transactions instead of one; it delays the
 *     delivery's report (and a subject's next delivery) by at most this much, never the call; default 10 ms; zero
 *     settles at once
 * @param settledClaimDelay how long after a settlement a dispatcher waits before it claims what the settlement may
 *     have made due (a subject's next delivery, held back behind the one settled), unless a claim runs meanwhile for
 *     another reason (new deliveries stored, a freed slot, the poll), which then takes it: a claim after every
 *     settlement found nothing new most of the time, since few subjects have a second delivery waiting; default 50
 *     ms; zero claims after every settlement
 * @param relayReportsPerMessage most delivery reports the relay puts in one message (default 100; a report is ~1 KB)
 * @param relayMessageBytes most bytes of reports the relay puts in one message (default 128 KiB), however few they
 *     are; a single larger report still goes, alone
 * @param relayVacuumAfter how many published reports the relay deletes before it vacuums {@code report_outbox} and
 *     {@code adapter_head} (default 10,000): without a vacuum the relay's read of the oldest reports and the claims'
 *     read of the heads in due order walk the index entries of every row deleted or rewritten since, a cost that grows
 *     with every delivery made while autovacuum is off or behind; 0 never vacuums (for a server whose autovacuum keeps
 *     up)
 */
@ConfigurationProperties("tongbao.adapters")
public record AdaptersProperties(
        Duration leaseDuration,
        Duration pollInterval,
        int claimBatchSize,
        double jitterFraction,
        Duration maxRetryAfter,
        int consumerPrefetch,
        Duration databaseDownBackoff,
        int relayBatchSize,
        Duration relayPollInterval,
        Duration confirmTimeout,
        Duration heartbeatInterval,
        Duration instanceStaleAfter,
        Duration healthInterval,
        int inboxBatchSize,
        Duration inboxBatchWait,
        Duration statisticsInterval,
        Duration agencyStateTtl,
        int settlementBatchSize,
        Duration claimLinger,
        Duration settlementLinger,
        Duration settledClaimDelay,
        int relayReportsPerMessage,
        int relayMessageBytes,
        Integer relayVacuumAfter) {

    public AdaptersProperties {
        leaseDuration = leaseDuration != null ? leaseDuration : Duration.ofMinutes(2);
        statisticsInterval = statisticsInterval != null ? statisticsInterval : Duration.ofSeconds(30);
        pollInterval = pollInterval != null ? pollInterval : Duration.ofSeconds(1);
        claimBatchSize = claimBatchSize > 0 ? claimBatchSize : 32;
        jitterFraction = jitterFraction > 0 ? jitterFraction : 0.2;
        maxRetryAfter = maxRetryAfter != null ? maxRetryAfter : Duration.ofHours(24);
        consumerPrefetch = consumerPrefetch > 0 ? consumerPrefetch : 32;
        databaseDownBackoff = databaseDownBackoff != null ? databaseDownBackoff : Duration.ofSeconds(2);
        relayBatchSize = relayBatchSize > 0 ? relayBatchSize : 100;
        relayPollInterval = relayPollInterval != null ? relayPollInterval : Duration.ofSeconds(1);
        confirmTimeout = confirmTimeout != null ? confirmTimeout : Duration.ofSeconds(10);
        heartbeatInterval = heartbeatInterval != null ? heartbeatInterval : Duration.ofSeconds(5);
        instanceStaleAfter = instanceStaleAfter != null ? instanceStaleAfter : Duration.ofSeconds(15);
        healthInterval = healthInterval != null ? healthInterval : Duration.ofSeconds(5);
        inboxBatchSize = Math.min(inboxBatchSize > 0 ? inboxBatchSize : 64, consumerPrefetch);
        inboxBatchWait = inboxBatchWait != null ? inboxBatchWait : Duration.ofMillis(25);
        agencyStateTtl = agencyStateTtl != null ? agencyStateTtl : Duration.ofSeconds(1);
        settlementBatchSize = settlementBatchSize > 0 ? settlementBatchSize : 64;
        claimLinger = claimLinger != null ? claimLinger : Duration.ofMillis(5);
        settlementLinger = settlementLinger != null ? settlementLinger : Duration.ofMillis(10);
        settledClaimDelay = settledClaimDelay != null ? settledClaimDelay : Duration.ofMillis(50);
        relayReportsPerMessage = relayReportsPerMessage > 0 ? relayReportsPerMessage : 100;
        relayMessageBytes = relayMessageBytes > 0 ? relayMessageBytes : 128 * 1024;
        relayVacuumAfter = relayVacuumAfter != null ? relayVacuumAfter : 10_000;
        if (relayVacuumAfter < 0) {
            throw new IllegalArgumentException(
                    "tongbao.adapters.relay-vacuum-after must be 0 (never) or more, was " + relayVacuumAfter);
        }
        requireNotNegative("claim-linger", claimLinger);
        requireNotNegative("settlement-linger", settlementLinger);
        requireNotNegative("settled-claim-delay", settledClaimDelay);
        if (instanceStaleAfter.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("tongbao.adapters.instance-stale-after (" + instanceStaleAfter
                    + ") must be at least twice tongbao.adapters.heartbeat-interval (" + heartbeatInterval
                    + "), or live instances lose their leases");
        }
        if (jitterFraction >= 1) {
            throw new IllegalArgumentException(
                    "tongbao.adapters.jitter-fraction must be below 1, was " + jitterFraction);
        }
    }

    /** The defaults, as if nothing were configured. */
    public static AdaptersProperties defaults() {
        return new AdaptersProperties(
                null, null, 0, 0, null, 0, null, 0, null, null, null, null, null, 0, null, null, null, 0, null, null,
                null, 0, 0, null);
    }

    private static void requireNotNegative(String name, Duration value) {
        if (value.isNegative()) {
            throw new IllegalArgumentException("tongbao.adapters." + name + " must not be negative, was " + value);
        }
    }
}
