package tw.tongbao.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/** What one load step sent and got back: accepted changes, intake latency, and every kind of failure. */
public final class StepLedger {

    private final String name;
    private final long startNanos = System.nanoTime();
    private final ConcurrentLinkedQueue<Accepted> accepted = new ConcurrentLinkedQueue<>();
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> failureSamples = new ConcurrentLinkedQueue<>();
    private final ConcurrentHistogram intakeMicros = new ConcurrentHistogram(TimeUnit.MINUTES.toMicros(10), 3);
    private final LongAdder sent = new LongAdder();
    private final AtomicLong lastAcceptedNanos = new AtomicLong(startNanos);
    private volatile long loadEndNanos;

    public StepLedger(String name) {
        this.name = name;
    }

    /** The step's name, e.g. {@code 500/s}. */
    public String name() {
        return name;
    }

    void sent() {
        sent.increment();
    }

    void accepted(Accepted change) {
        accepted.add(change);
        intakeMicros.recordValue(Math.max(0, (change.acceptedNanos() - change.intendedNanos()) / 1000));
        lastAcceptedNanos.accumulateAndGet(change.acceptedNanos(), Math::max);
    }

    /** Counts one failure of a kind (e.g. {@code HTTP 500}, {@code dropped: in-flight cap}); keeps a few samples. */
    void failed(String kind, String detail) {
        failures.computeIfAbsent(kind, k -> new LongAdder()).increment();
        if (failureSamples.size() < 5) {
            failureSamples.add(kind + ": " + detail);
        }
    }

    void loadEnded() {
        loadEndNanos = System.nanoTime();
    }

    /** When the step began. */
    public long startNanos() {
        return startNanos;
    }

    /** When the last request had been sent (0 while sending). */
    public long loadEndNanos() {
        return loadEndNanos;
    }

    /** When the last 202 arrived. */
    public long lastAcceptedNanos() {
        return lastAcceptedNanos.get();
    }

    /** Requests scheduled (sent or dropped). */
    public long sentCount() {
        return sent.sum();
    }

    /** The accepted changes so far. */
    public List<Accepted> accepted() {
        return new ArrayList<>(accepted);
    }

    /** How many changes were accepted so far. */
    public int acceptedCount() {
        return accepted.size();
    }

    /** Failures by kind. */
    public Map<String, Long> failures() {
        Map<String, Long> counts = new TreeMap<>();
        failures.forEach((kind, count) -> counts.put(kind, count.sum()));
        return counts;
    }

    /** All failures. */
    public long failureCount() {
        return failures.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** A few failures with details. */
    public List<String> failureSamples() {
        return List.copyOf(failureSamples);
    }

    /** Intended send → 202, in microseconds (open loop: includes any queueing behind slow answers). */
    public Histogram intakeMicros() {
        return intakeMicros.copy();
    }
}
