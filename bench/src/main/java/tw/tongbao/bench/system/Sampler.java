package tw.tongbao.bench.system;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Samples the gateway's and adapters' resident memory twice a second: the peak since the last reset, and (while
 * recording) a time series with the delivered count and the broker backlog.
 */
public final class Sampler implements AutoCloseable {

    /**
     * One sample of the time series.
     *
     * @param seconds since recording began
     * @param gatewayRssMib gateway VmRSS
     * @param adaptersRssMib adapters VmRSS
     * @param delivered deliveries received by the sinks so far
     * @param brokerMessages messages in the agency queues (-1 when not asked)
     */
    public record Sample(
            double seconds, double gatewayRssMib, double adaptersRssMib, long delivered, long brokerMessages) {}

    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "rss-sampler"));
    private final long gatewayPid;
    private final long adaptersPid;
    private double peakGateway;
    private double peakAdapters;
    private List<Sample> series;
    private long seriesStart;
    private LongSupplier delivered;
    private LongSupplier brokerMessages;
    private int tick;

    public Sampler(long gatewayPid, long adaptersPid) {
        this.gatewayPid = gatewayPid;
        this.adaptersPid = adaptersPid;
        timer.scheduleAtFixedRate(this::sample, 0, 500, TimeUnit.MILLISECONDS);
    }

    private synchronized void sample() {
        double gateway = ProcessStats.rssMib(gatewayPid);
        double adapters = ProcessStats.rssMib(adaptersPid);
        peakGateway = Math.max(peakGateway, gateway);
        peakAdapters = Math.max(peakAdapters, adapters);
        // The series takes one sample a second; the broker is asked only then.
        if (series != null && tick++ % 2 == 0) {
            long backlog;
            try {
                backlog = brokerMessages.getAsLong();
            } catch (RuntimeException e) {
                backlog = -1;
            }
            series.add(new Sample(
                    (System.nanoTime() - seriesStart) / 1e9, gateway, adapters, delivered.getAsLong(), backlog));
        }
    }

    /** Starts the peaks afresh. */
    public synchronized void resetPeaks() {
        peakGateway = 0;
        peakAdapters = 0;
    }

    /** The gateway's highest VmRSS since the last reset, MiB. */
    public synchronized double peakGateway() {
        return peakGateway;
    }

    /** The adapters' highest VmRSS since the last reset, MiB. */
    public synchronized double peakAdapters() {
        return peakAdapters;
    }

    /** Starts recording a time series. */
    public synchronized void record(LongSupplier delivered, LongSupplier brokerMessages) {
        this.delivered = delivered;
        this.brokerMessages = brokerMessages;
        this.series = new ArrayList<>();
        this.seriesStart = System.nanoTime();
        this.tick = 0;
    }

    /** Seconds since recording began. */
    public synchronized double secondsRecorded() {
        return (System.nanoTime() - seriesStart) / 1e9;
    }

    /** Stops recording and returns the series. */
    public synchronized List<Sample> stopRecording() {
        List<Sample> recorded = series == null ? List.of() : List.copyOf(series);
        series = null;
        return recorded;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
