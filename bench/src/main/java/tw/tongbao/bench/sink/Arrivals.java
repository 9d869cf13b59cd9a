package tw.tongbao.bench.sink;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * What reached the agency sinks: per receipt, when each agency first received it; plus duplicates and deliveries
 * whose signature (or batch checksum) did not verify.
 */
public final class Arrivals {

    private final int agencies;
    private final long origin = System.nanoTime() - 1;
    private final Map<String, AtomicLongArray> byReceipt = new ConcurrentHashMap<>();
    private final LongAdder total = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder unverified = new LongAdder();
    private final AtomicLong lastNanos = new AtomicLong(origin);

    public Arrivals(int agencies) {
        this.agencies = agencies;
    }

    /** Records that an agency received the delivery of a change, now. */
    public void arrived(String receipt, int agency, long nanos) {
        AtomicLongArray times = byReceipt.computeIfAbsent(receipt, r -> new AtomicLongArray(agencies));
        if (times.compareAndSet(agency, 0, nanos - origin)) {
            total.increment();
            lastNanos.accumulateAndGet(nanos, Math::max);
        } else {
            duplicates.increment();
        }
    }

    /** Records a delivery that failed verification (it is answered 401 and not counted as arrived). */
    public void unverified() {
        unverified.increment();
    }

    /** When the agency first received the change ({@link System#nanoTime()}), or empty. */
    public java.util.OptionalLong arrival(String receipt, int agency) {
        AtomicLongArray times = byReceipt.get(receipt);
        if (times == null || times.get(agency) == 0) {
            return java.util.OptionalLong.empty();
        }
        return java.util.OptionalLong.of(times.get(agency) + origin);
    }

    /** Distinct deliveries received. */
    public long total() {
        return total.sum();
    }

    /** Deliveries received again after the first time. */
    public long duplicates() {
        return duplicates.sum();
    }

    /** Deliveries refused because their signature or checksum did not verify. */
    public long unverifiedCount() {
        return unverified.sum();
    }

    /** When the latest first arrival happened. */
    public long lastNanos() {
        return lastNanos.get();
    }
}
