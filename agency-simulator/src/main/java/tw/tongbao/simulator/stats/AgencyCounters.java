package tw.tongbao.simulator.stats;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** What one simulated agency has received, and which delivery ids it already holds. */
public final class AgencyCounters {

    /** How many delivery ids are remembered for de-duplication before the oldest are forgotten. */
    static final int REMEMBERED_IDS = 100_000;

    private final AtomicLong received = new AtomicLong();
    private final AtomicLong unique = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong badSignatures = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong injectedFailures = new AtomicLong();
    private final AtomicLong files = new AtomicLong();
    private final AtomicLong badFiles = new AtomicLong();
    private final Map<String, Boolean> seen = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED_IDS;
        }
    };

    /** Records an accepted delivery; answers whether its id had been accepted before. */
    public boolean acceptAndCheckDuplicate(String deliveryId) {
        received.incrementAndGet();
        boolean duplicate;
        synchronized (seen) {
            duplicate = seen.putIfAbsent(deliveryId, Boolean.TRUE) != null;
        }
        (duplicate ? duplicates : unique).incrementAndGet();
        return duplicate;
    }

    /** Records a delivery whose signature was missing, stale or wrong. */
    public void badSignature() {
        received.incrementAndGet();
        badSignatures.incrementAndGet();
    }

    /** Records a signed delivery whose body could not be read. */
    public void rejected() {
        received.incrementAndGet();
        rejected.incrementAndGet();
    }

    /** Records a delivery that was answered with a failure on purpose. */
    public void injectedFailure() {
        received.incrementAndGet();
        injectedFailures.incrementAndGet();
    }

    /** Records a batch file whose checksum held. */
    public void file() {
        files.incrementAndGet();
    }

    /** Records a batch file whose checksum did not hold. */
    public void badFile() {
        badFiles.incrementAndGet();
    }

    /** The counts, by name, for {@code GET /stats}. */
    public Map<String, Long> snapshot() {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("received", received.get());
        counts.put("unique", unique.get());
        counts.put("duplicates", duplicates.get());
        counts.put("badSignatures", badSignatures.get());
        counts.put("rejected", rejected.get());
        counts.put("injectedFailures", injectedFailures.get());
        counts.put("files", files.get());
        counts.put("badFiles", badFiles.get());
        return counts;
    }
}
