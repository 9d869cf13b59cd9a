package tw.tongbao.bench.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.bench.AgencyCodes;

/**
 * Files changes at the gateway over HTTP: open loop (a fixed arrival rate, whatever the answers do) with a cap on
 * requests in flight, where a request the cap forbids counts as a drop, or closed loop to fill a backlog.
 */
public final class LoadGenerator implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final URI changes;
    private final ChangeMix mix;
    private final SignIn signIn;
    private final AgencyCodes codes;
    private final int maxInFlight;
    private final ExecutorService executor = Executors.newFixedThreadPool(4, daemon("load-http"));
    private final HttpClient http;

    public LoadGenerator(URI gateway, ChangeMix mix, SignIn signIn, AgencyCodes codes, int maxInFlight) {
        this.changes = gateway.resolve("/api/v1/changes");
        this.mix = mix;
        this.signIn = signIn;
        this.codes = codes;
        this.maxInFlight = maxInFlight;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(executor)
                .build();
    }

    /**
     * One filing with its signed bearer token, made before a step so that RSA signing does not compete with it.
     *
     * @param filing the request
     * @param token the filer's bearer token
     */
    public record Signed(ChangeMix.Filing filing, String token) {}

    /** The next {@code count} filings, signed (on every core). */
    public List<Signed> prepare(int count) {
        return IntStream.range(0, count)
                .parallel()
                .mapToObj(i -> {
                    ChangeMix.Filing filing = mix.next();
                    return new Signed(filing, signIn.token(filing.filerId(), filing.filerName()));
                })
                .toList();
    }

    /** Sends the filings at {@code rate} per second, then waits (bounded) for the answers. */
    public StepLedger openLoop(StepLedger ledger, List<Signed> filings, double rate) {
        long interval = (long) (TimeUnit.SECONDS.toNanos(1) / rate);
        int count = filings.size();
        Semaphore inFlight = new Semaphore(maxInFlight);
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            long intended = start + i * interval;
            long wait = intended - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            ledger.sent();
            if (!inFlight.tryAcquire()) {
                ledger.failed("dropped (in-flight cap " + maxInFlight + ")", "request " + i);
                continue;
            }
            send(ledger, filings.get(i), intended).whenComplete((r, e) -> inFlight.release());
        }
        ledger.loadEnded();
        awaitAll(inFlight, maxInFlight);
        return ledger;
    }

    /** Sends the filings as fast as {@code concurrency} requests in flight allow. */
    public StepLedger closedLoop(
            StepLedger ledger,
            List<Signed> filings,
            int concurrency,
            java.util.function.Consumer<StepLedger> progress) {
        Semaphore inFlight = new Semaphore(concurrency);
        for (int i = 0; i < filings.size(); i++) {
            inFlight.acquireUninterruptibly();
            ledger.sent();
            send(ledger, filings.get(i), System.nanoTime()).whenComplete((r, e) -> inFlight.release());
            if (i % 5000 == 4999) {
                progress.accept(ledger);
            }
        }
        ledger.loadEnded();
        awaitAll(inFlight, concurrency);
        return ledger;
    }

    private java.util.concurrent.CompletableFuture<Void> send(StepLedger ledger, Signed signed, long intended) {
        ChangeMix.Filing filing = signed.filing();
        HttpRequest request = HttpRequest.newBuilder(changes)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .header("Authorization", "Bearer " + signed.token())
                .POST(HttpRequest.BodyPublishers.ofString(filing.body(), StandardCharsets.UTF_8))
                .build();
        try {
            return http.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                    .handle((response, error) -> {
                        if (error != null) {
                            Throwable cause = error instanceof CompletionException && error.getCause() != null
                                    ? error.getCause()
                                    : error;
                            ledger.failed(cause.getClass().getSimpleName(), String.valueOf(cause.getMessage()));
                        } else {
                            answered(ledger, intended, filing, response);
                        }
                        return null;
                    });
        } catch (RuntimeException e) {
            ledger.failed(e.getClass().getSimpleName(), String.valueOf(e.getMessage()));
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }
    }

    private void answered(StepLedger ledger, long intended, ChangeMix.Filing filing, HttpResponse<String> response) {
        long now = System.nanoTime();
        if (response.statusCode() != 202) {
            String body = response.body();
            ledger.failed(
                    "HTTP " + response.statusCode(),
                    filing.type() + " → " + (body.length() > 300 ? body.substring(0, 300) : body));
            return;
        }
        try {
            JsonNode change = JSON.readTree(response.body());
            int mask = 0;
            for (JsonNode delivery : change.path("deliveries")) {
                int index = codes.indexOf(delivery.path("agency").asString());
                if (index >= 0) {
                    mask |= 1 << index;
                }
            }
            ledger.accepted(new Accepted(change.path("receipt").asString(), intended, now, mask));
        } catch (RuntimeException e) {
            ledger.failed("unreadable 202 body", e.getMessage());
        }
    }

    private static void awaitAll(Semaphore inFlight, int permits) {
        try {
            if (inFlight.tryAcquire(permits, 60, TimeUnit.SECONDS)) {
                inFlight.release(permits);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    private static java.util.concurrent.ThreadFactory daemon(String prefix) {
        java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
