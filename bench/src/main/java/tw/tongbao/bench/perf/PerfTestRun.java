package tw.tongbao.bench.perf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tw.tongbao.bench.system.RabbitManagement;

/**
 * RabbitMQ PerfTest ({@code com.rabbitmq:perf-test}) in its own JVM against a fresh vhost, with Tongbao's delivery
 * pattern: one publisher with confirms, 1 KB persistent messages, a fan-out to 8 quorum queues, one consumer per
 * queue acknowledging manually with prefetch 20 (the adapters' default when these figures were first taken; their inbox
 * now takes every agency queue on one channel, 128 a queue, and PerfTest keeps 20 so that runs stay comparable).
 */
public final class PerfTestRun {

    private static final Pattern SENDING = Pattern.compile("sending rate avg: (\\d+) msg/s");
    private static final Pattern RECEIVING = Pattern.compile("receiving rate avg: (\\d+) msg/s");
    private static final Pattern CONSUMER_LATENCY =
            Pattern.compile("consumer latency min/median/75th/95th/99th (\\d+)/(\\d+)/(\\d+)/(\\d+)/(\\d+) µs");

    /**
     * What PerfTest measured.
     *
     * @param sentPerSecond messages published per second (average)
     * @param receivedPerSecond messages consumed per second over all 8 queues (average): its deliveries/s
     * @param consumerLatency the summary line of consumer latency as PerfTest printed it
     * @param command the arguments PerfTest ran with
     */
    public record Result(
            double sentPerSecond, double receivedPerSecond, String consumerLatency, List<String> command) {}

    private PerfTestRun() {}

    /** The PerfTest arguments used, for the report. */
    public static List<String> arguments(String vhost, int seconds, int confirm) {
        return List.of(
                "--uri", "amqp://guest:guest@127.0.0.1:5672/" + vhost,
                "--exchange", "bench-fanout",
                "--type", "fanout",
                "--queue-pattern", "bench-perf-%d",
                "--queue-pattern-from", "1",
                "--queue-pattern-to", "8",
                "--queue-args", "x-queue-type=quorum",
                "--auto-delete", "false",
                "--producers", "1",
                "--consumers", "8",
                "--size", "1000",
                "--flag", "persistent",
                "--confirm", Integer.toString(confirm),
                "--qos", "20",
                "--time", Integer.toString(seconds));
    }

    /** Runs PerfTest for {@code seconds} in a fresh vhost (deleted afterwards); its output goes to {@code log}. */
    public static Result run(int seconds, int confirm, Path log) {
        String vhost = "bench-perftest-" + Long.toString(System.nanoTime(), 36);
        RabbitManagement.createVhost(vhost);
        try {
            List<String> command = new ArrayList<>(List.of(
                    ProcessHandle.current().info().command().orElse("java"),
                    "-Xmx512m",
                    "-cp",
                    System.getProperty("java.class.path"),
                    "com.rabbitmq.perf.PerfTest"));
            List<String> arguments = arguments(vhost, seconds, confirm);
            command.addAll(arguments);
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!process.waitFor(seconds + 90L, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("PerfTest did not finish; see " + log);
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            Matcher latency = CONSUMER_LATENCY.matcher(output);
            return new Result(
                    rate(SENDING, output, log),
                    rate(RECEIVING, output, log),
                    latency.find()
                            ? String.format(
                                    "median %.0f ms, p95 %.0f ms, p99 %.0f ms",
                                    Long.parseLong(latency.group(2)) / 1000.0,
                                    Long.parseLong(latency.group(4)) / 1000.0,
                                    Long.parseLong(latency.group(5)) / 1000.0)
                            : "(not printed)",
                    arguments);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run PerfTest", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            RabbitManagement.deleteVhost(vhost);
        }
    }

    private static double rate(Pattern pattern, String output, Path log) {
        Matcher matcher = pattern.matcher(output);
        if (!matcher.find()) {
            throw new IllegalStateException("PerfTest printed no '" + pattern.pattern() + "'; see " + log);
        }
        return Double.parseDouble(matcher.group(1));
    }
}
