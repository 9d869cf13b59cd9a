package tw.tongbao.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import tw.tongbao.bench.load.Accepted;
import tw.tongbao.bench.report.LatencySummary;
import tw.tongbao.bench.sink.Arrivals;

/** Matches accepted changes with what the sinks received: completeness and accept → delivered latencies. */
final class Deliveries {

    private static final long HIGHEST_MICROS = TimeUnit.HOURS.toMicros(2);

    private final AgencyCodes codes;
    private final List<Accepted> accepted;
    private final Arrivals arrivals;
    private final long expected;
    private final long arrivedBefore;
    private long foreign;
    private long delivered;
    private long lastArrivalNanos;
    private final Histogram all = new Histogram(HIGHEST_MICROS, 3);
    private final Histogram[] byAgency;

    /**
     * @param arrivedBefore the sinks' count of first arrivals ({@link Arrivals#total()}) before the first of these
     *     changes was sent
     */
    Deliveries(AgencyCodes codes, List<Accepted> accepted, Arrivals arrivals, long arrivedBefore) {
        this.codes = codes;
        this.accepted = accepted;
        this.arrivals = arrivals;
        this.arrivedBefore = arrivedBefore;
        this.expected =
                accepted.stream().mapToLong(a -> Integer.bitCount(a.agencies())).sum();
        this.byAgency = new Histogram[codes.size()];
    }

    /** Deliveries the 202 answers listed. */
    long expected() {
        return expected;
    }

    /**
     * Whether every delivery of these changes has arrived. Polled while draining, so it looks at them only once the
     * sinks have counted enough first arrivals since they were sent: a look walks every change, and walking a backlog's
     * 100,000 changes four times a second took about 0.1 core from the machine under test.
     */
    boolean allArrived() {
        long arrived = arrivals.total() - arrivedBefore;
        if (arrived - foreign < expected) {
            return false;
        }
        long ours = countDelivered();
        if (ours >= expected) {
            return true;
        }
        // Arrivals of other changes (a straggler of an earlier step, a filing whose 202 never came back): at least
        // this many, so the next look waits for as many more.
        foreign = Math.max(foreign, arrived - ours);
        return false;
    }

    /** Counts what has arrived so far, walking every change: for progress now and then, not for polling. */
    long countDelivered() {
        long count = 0;
        for (Accepted change : accepted) {
            for (int agency = 0; agency < codes.size(); agency++) {
                if ((change.agencies() & (1 << agency)) != 0
                        && arrivals.arrival(change.receipt(), agency).isPresent()) {
                    count++;
                }
            }
        }
        return count;
    }

    /** Builds the histograms; call once, after draining. */
    Deliveries measure() {
        for (int agency = 0; agency < codes.size(); agency++) {
            byAgency[agency] = new Histogram(HIGHEST_MICROS, 3);
        }
        for (Accepted change : accepted) {
            long latest = Long.MIN_VALUE;
            boolean complete = true;
            for (int agency = 0; agency < codes.size(); agency++) {
                if ((change.agencies() & (1 << agency)) == 0) {
                    continue;
                }
                OptionalLong arrival = arrivals.arrival(change.receipt(), agency);
                if (arrival.isEmpty()) {
                    complete = false;
                    continue;
                }
                delivered++;
                lastArrivalNanos = Math.max(lastArrivalNanos, arrival.getAsLong());
                long micros = micros(arrival.getAsLong() - change.acceptedNanos());
                byAgency[agency].recordValue(micros);
                latest = Math.max(latest, micros);
            }
            if (complete && latest != Long.MIN_VALUE) {
                all.recordValue(latest);
            }
        }
        return this;
    }

    long delivered() {
        return delivered;
    }

    long lastArrivalNanos() {
        return lastArrivalNanos;
    }

    LatencySummary acceptToAll() {
        return LatencySummary.ofMicros(all);
    }

    Map<String, LatencySummary> perAgency() {
        Map<String, LatencySummary> summaries = new LinkedHashMap<>();
        for (int agency = 0; agency < codes.size(); agency++) {
            summaries.put(codes.code(agency), LatencySummary.ofMicros(byAgency[agency]));
        }
        return summaries;
    }

    // A delivery can race its own 202 answer to the benchmark; that counts as zero, not negative.
    private static long micros(long nanos) {
        return Math.min(HIGHEST_MICROS, Math.max(0, nanos / 1000));
    }
}
