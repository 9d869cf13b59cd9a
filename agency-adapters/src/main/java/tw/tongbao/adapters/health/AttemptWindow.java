package tw.tongbao.adapters.health;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/** One agency's tries over the last minute on this instance, and its last failed try. */
final class AttemptWindow {

    static final Duration SPAN = Duration.ofMinutes(1);

    private record Sample(Instant at, long durationMillis, boolean delivered) {}

    private final Deque<Sample> samples = new ArrayDeque<>();
    private String lastError;
    private Instant lastErrorAt;

    synchronized void add(Instant at, long durationMillis, boolean delivered, String error) {
        samples.addLast(new Sample(at, durationMillis, delivered));
        if (!delivered) {
            lastError = error;
            lastErrorAt = at;
        }
        prune(at);
    }

    /** The window's figures as of {@code now}. */
    synchronized Figures figures(Instant now) {
        prune(now);
        long delivered = samples.stream().filter(Sample::delivered).count();
        long[] durations =
                samples.stream().mapToLong(Sample::durationMillis).sorted().toArray();
        Long p95 = durations.length == 0 ? null : durations[(int) Math.ceil(0.95 * durations.length) - 1];
        return new Figures(delivered, samples.size() - delivered, p95, lastError, lastErrorAt);
    }

    private void prune(Instant now) {
        Instant horizon = now.minus(SPAN);
        while (!samples.isEmpty() && samples.peekFirst().at().isBefore(horizon)) {
            samples.removeFirst();
        }
    }

    /** Tries that delivered and that did not, the 95th percentile duration (null without tries), the last error. */
    record Figures(long delivered, long failed, Long p95LatencyMillis, String lastError, Instant lastErrorAt) {}
}
