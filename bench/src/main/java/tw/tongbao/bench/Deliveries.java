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
    private long delivered;
    private long lastArrivalNanos;
    private final Histogram all = new Histogram(HIGHEST_MICROS, 3);
    private final Histogram[] byAgency;

    Deliveries(AgencyCodes codes, List<Accepted> accepted, Arrivals arrivals) {
        this.codes = codes;
        this.accepted = accepted;
        this.arrivals = arrivals;
        this.expected =
                accepted.stream().mapToLong(a -> Integer.bitCount(a.agencies())).sum();
        this.byAgency = new Histogram[codes.size()];
    }

    /** Deliveries the 202 answers listed. */
    long expected() {
        return expected;
    }

    /** Counts what has arrived so far (cheap enough to poll while draining). */
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
