package tw.tongbao.bench.report;

import org.HdrHistogram.Histogram;

/**
 * Percentiles of one latency distribution, in milliseconds.
 *
 * @param count values recorded
 * @param p50 median
 * @param p95 95th percentile
 * @param p99 99th percentile
 * @param max largest
 */
public record LatencySummary(long count, double p50, double p95, double p99, double max) {

    /** A summary of a histogram recorded in microseconds. */
    public static LatencySummary ofMicros(Histogram micros) {
        if (micros.getTotalCount() == 0) {
            return new LatencySummary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        return new LatencySummary(
                micros.getTotalCount(),
                micros.getValueAtPercentile(50) / 1000.0,
                micros.getValueAtPercentile(95) / 1000.0,
                micros.getValueAtPercentile(99) / 1000.0,
                micros.getMaxValue() / 1000.0);
    }

    /** {@code p50 / p95 / p99 / max} for a table cell. */
    public String cell() {
        if (count == 0) {
            return "–";
        }
        return ms(p50) + " / " + ms(p95) + " / " + ms(p99) + " / " + ms(max);
    }

    static String ms(double value) {
        if (Double.isNaN(value)) {
            return "–";
        }
        return value >= 100 ? String.format("%.0f", value) : String.format("%.1f", value);
    }
}
