package tw.tongbao.bench.load;

import java.net.URI;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.util.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.bench.AgencyCodes;

/**
 * Files changes at the gateway over HTTP: open loop (a fixed arrival rate, whatever the answers do) with a cap on
 * requests in flight, where a request the cap forbids counts as a drop, or closed loop to fill a backlog.
 *
 * <p>Over Apache HttpClient 5's non-blocking client, as the adapters call agencies: the JDK's {@code HttpClient} took
 * about four times the CPU a request, CPU the benchmark would take from what it measures.
 */
public final class LoadGenerator implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final URI changes;
    private final ChangeMix mix;
    private final SignIn signIn;
    private final AgencyCodes codes;
    private final int maxInFlight;
    private final CloseableHttpAsyncClient http;

    public LoadGenerator(URI gateway, ChangeMix mix, SignIn signIn, AgencyCodes codes, int maxInFlight) {
        this.changes = gateway.resolve("/api/v1/changes");
        this.mix = mix;
        this.signIn = signIn;
        this.codes = codes;
        this.maxInFlight = maxInFlight;
        this.http = HttpAsyncClients.custom()
                .setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(maxInFlight)
                        .setMaxConnPerRoute(maxInFlight)
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.ofSeconds(5))
                                .build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setResponseTimeout(Timeout.ofSeconds(30))
                        .build())
                .setVersionPolicy(HttpVersionPolicy.FORCE_HTTP_1)
                .setIOReactorConfig(IOReactorConfig.custom().setIoThreadCount(2).build())
                .setThreadFactory(daemon("load-http"))
                .disableAutomaticRetries()
                .disableRedirectHandling()
                .disableCookieManagement()
                .build();
        this.http.start();
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

    private CompletableFuture<Void> send(StepLedger ledger, Signed signed, long intended) {
        ChangeMix.Filing filing = signed.filing();
        SimpleHttpRequest request = SimpleRequestBuilder.post(changes)
                .addHeader("Idempotency-Key", UUID.randomUUID().toString())
                .addHeader("Authorization", "Bearer " + signed.token())
                .setBody(filing.body(), ContentType.APPLICATION_JSON)
                .build();
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            http.execute(request, new FutureCallback<SimpleHttpResponse>() {
                @Override
                public void completed(SimpleHttpResponse response) {
                    answered(ledger, intended, filing, response);
                    done.complete(null);
                }

                @Override
                public void failed(Exception cause) {
                    ledger.failed(cause.getClass().getSimpleName(), String.valueOf(cause.getMessage()));
                    done.complete(null);
                }

                @Override
                public void cancelled() {
                    ledger.failed("cancelled", "request cancelled");
                    done.complete(null);
                }
            });
        } catch (RuntimeException e) {
            ledger.failed(e.getClass().getSimpleName(), String.valueOf(e.getMessage()));
            done.complete(null);
        }
        return done;
    }

    private void answered(StepLedger ledger, long intended, ChangeMix.Filing filing, SimpleHttpResponse response) {
        long now = System.nanoTime();
        byte[] bytes = response.getBodyBytes();
        String body = bytes == null ? "" : new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        if (response.getCode() != 202) {
            ledger.failed(
                    "HTTP " + response.getCode(),
                    filing.type() + " → " + (body.length() > 300 ? body.substring(0, 300) : body));
            return;
        }
        try {
            JsonNode change = JSON.readTree(body);
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
        // Graceful: the I/O reactor closes its own connections. Closed at once from this thread, it once failed with a
        // ConcurrentModificationException in its event loop (a connection the gateway had just closed being processed).
        http.close(CloseMode.GRACEFUL);
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
