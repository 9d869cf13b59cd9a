package tw.tongbao.bench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import tw.tongbao.bench.system.Sampler;

/** The report's pictures (PNG, headless): throughput and latency by offered load; memory during the backlog. */
public final class Charts {

    private Charts() {}

    /** Accepted changes/s and deliveries/s (top) and accept → all agencies percentiles (bottom) by offered load. */
    public static void latencyThroughput(List<StepResult> steps, Path file) throws IOException {
        XYSeries accepted = new XYSeries("accepted changes/s");
        XYSeries delivered = new XYSeries("deliveries/s (end to end)");
        XYSeries p50 = new XYSeries("p50 accept → all agencies");
        XYSeries p99 = new XYSeries("p99 accept → all agencies");
        XYSeries max = new XYSeries("max accept → all agencies");
        for (StepResult step : steps) {
            accepted.add(step.targetRate(), step.acceptedPerSecond());
            delivered.add(step.targetRate(), step.deliveriesPerSecond());
            if (step.acceptToAll().count() > 0) {
                p50.add(step.targetRate(), Math.max(0.1, step.acceptToAll().p50()));
                p99.add(step.targetRate(), Math.max(0.1, step.acceptToAll().p99()));
                max.add(step.targetRate(), Math.max(0.1, step.acceptToAll().max()));
            }
        }
        XYPlot throughput = plot(new NumberAxis("per second"), accepted, delivered);
        colour(throughput, new Color(0x1f77b4), new Color(0x2ca02c));
        LogarithmicAxis latencyAxis = new LogarithmicAxis("latency, ms (log)");
        latencyAxis.setAllowNegativesFlag(false);
        XYPlot latency = plot(latencyAxis, p50, p99, max);
        colour(latency, new Color(0x2ca02c), new Color(0xff7f0e), new Color(0x9467bd));
        latency.addRangeMarker(target(500, "p99 target 500 ms"));
        CombinedDomainXYPlot combined = new CombinedDomainXYPlot(new NumberAxis("offered load, changes/s"));
        combined.add(throughput, 1);
        combined.add(latency, 1);
        save(new JFreeChart("Tongbao: throughput and latency by offered load", combined), file);
    }

    /** Gateway and adapters RSS (top) and delivered / broker backlog (bottom) over the backlog test. */
    public static void backlog(BacklogResult result, Path file) throws IOException {
        XYSeries gateway = new XYSeries("gateway RSS, MiB");
        XYSeries adapters = new XYSeries("adapters RSS, MiB");
        XYSeries delivered = new XYSeries("deliveries received");
        XYSeries broker = new XYSeries("messages in agency queues");
        for (Sampler.Sample sample : result.series()) {
            gateway.add(sample.seconds(), sample.gatewayRssMib());
            adapters.add(sample.seconds(), sample.adaptersRssMib());
            delivered.add(sample.seconds(), sample.delivered());
            if (sample.brokerMessages() >= 0) {
                broker.add(sample.seconds(), sample.brokerMessages());
            }
        }
        XYPlot memory = plot(new NumberAxis("MiB"), gateway, adapters);
        colour(memory, new Color(0x1f77b4), new Color(0xff7f0e));
        memory.addRangeMarker(target(512, "512 MiB cap"));
        XYPlot progress = plot(new NumberAxis("count"), delivered, broker);
        colour(progress, new Color(0x2ca02c), new Color(0x9467bd));
        CombinedDomainXYPlot combined = new CombinedDomainXYPlot(new NumberAxis("seconds since the fill began"));
        combined.add(memory, 1);
        combined.add(progress, 1);
        ValueMarker resume = new ValueMarker(result.resumeAtSeconds(), Color.DARK_GRAY, new BasicStroke(1.5f));
        resume.setLabel("agencies resumed");
        memory.addDomainMarker(resume);
        progress.addDomainMarker(new ValueMarker(result.resumeAtSeconds(), Color.DARK_GRAY, new BasicStroke(1.5f)));
        save(new JFreeChart("Tongbao: backlog of " + result.accepted() + " changes, fill and drain", combined), file);
    }

    private static XYPlot plot(NumberAxis axis, XYSeries... series) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (XYSeries one : series) {
            data.addSeries(one);
        }
        axis.setAutoRangeIncludesZero(!(axis instanceof LogarithmicAxis));
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, series[0].getItemCount() < 40);
        XYPlot plot = new XYPlot(data, null, axis, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        return plot;
    }

    private static void colour(XYPlot plot, Color... colours) {
        for (int i = 0; i < colours.length; i++) {
            plot.getRenderer().setSeriesPaint(i, colours[i]);
            plot.getRenderer().setSeriesStroke(i, new BasicStroke(2f));
        }
    }

    private static ValueMarker target(double value, String label) {
        ValueMarker marker = new ValueMarker(
                value,
                Color.RED,
                new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {6f, 4f}, 0f));
        marker.setLabel(label);
        return marker;
    }

    private static void save(JFreeChart chart, Path file) throws IOException {
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, 1100, 800);
    }
}
