package tw.tongbao.adapters.restjson;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManager;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.nio.AsyncRequestProducer;
import org.apache.hc.core5.http.nio.entity.AsyncEntityProducers;
import org.apache.hc.core5.http.nio.support.AsyncRequestBuilder;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.springframework.stereotype.Component;
import tw.tongbao.adapters.transport.OutboundDelivery;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.signature.WebhookSecret;
import tw.tongbao.core.signature.WebhookSignature;

/**
 * POSTs a body to an agency with the Standard Webhooks headers, over one shared HTTP/1.1 client that keeps
 * connections alive; shared by the rest-json and soap-xml transports.
 *
 * <p>The client is Apache HttpClient 5's non-blocking one: its I/O threads write each request and read its answer
 * where the JDK's {@code HttpClient} handed every exchange between its selector thread and worker threads. Posting
 * 1.2 KB bodies to a local server with 64 in flight, the JDK client used about 145 µs of CPU a request and this one
 * about 37 µs (docs/benchmarks/2026-11-26-findings.md).
 */
@Component
public class SignedHttpPost implements AutoCloseable {

    /** How much of an answer's body is kept (enough to read a SOAP fault); the rest is read and dropped. */
    public static final int BODY_LIMIT = 64 * 1024;

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /**
     * Connections per agency endpoint and in all: no limit in practice. Each agency's guard bounds its calls in
     * flight ({@code maxConcurrentCalls}); a pool limit below that would make tries wait for a connection unseen.
     */
    private static final int CONNECTIONS = 10_000;

    /** An idle pooled connection is checked before reuse once it has rested this long (the agency may have closed it). */
    private static final TimeValue VALIDATE_AFTER_INACTIVITY = TimeValue.ofSeconds(2);

    /** Idle connections are closed after this long. */
    private static final TimeValue IDLE_CONNECTIONS_KEPT = TimeValue.ofSeconds(30);

    private final PoolingAsyncClientConnectionManager connections;
    private final CloseableHttpAsyncClient client;
    private final Clock clock;
    /** Parsed signing secrets by their text: the registry holds a few, and every try signs with them. */
    private final Map<List<String>, List<WebhookSecret>> secrets = new ConcurrentHashMap<>();
    /** Request settings by an agency's timeout: the registry has a few timeouts, and every try needs its agency's. */
    private final Map<Duration, RequestConfig> requestConfigs = new ConcurrentHashMap<>();

    public SignedHttpPost() {
        this.connections = PoolingAsyncClientConnectionManagerBuilder.create()
                .setTlsStrategy(DefaultClientTlsStrategy.createSystemDefault())
                .setMaxConnTotal(CONNECTIONS)
                .setMaxConnPerRoute(CONNECTIONS)
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(CONNECT_TIMEOUT))
                        .setValidateAfterInactivity(VALIDATE_AFTER_INACTIVITY)
                        .build())
                .build();
        this.client = HttpAsyncClients.custom()
                .setConnectionManager(this.connections)
                .setVersionPolicy(HttpVersionPolicy.FORCE_HTTP_1)
                .setIOReactorConfig(IOReactorConfig.custom()
                        .setIoThreadCount(Math.min(2, Runtime.getRuntime().availableProcessors()))
                        .build())
                // A try is sent once: a retry is the engine's decision, made after the attempt is recorded.
                .disableAutomaticRetries()
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableAuthCaching()
                .evictIdleConnections(IDLE_CONNECTIONS_KEPT)
                .build();
        this.client.start();
        this.clock = Clock.systemUTC();
    }

    /**
     * Signs {@code body} for this attempt and sends it. The future always completes normally: failures without an
     * answer (timeout, refusal, TLS) come back as an outcome with an {@code error} and no status.
     */
    public CompletableFuture<HttpOutcome> post(
            Agency agency, OutboundDelivery delivery, String contentType, Map<String, String> headers, byte[] body) {
        Instant startedAt = clock.instant();
        long started = System.nanoTime();
        AsyncRequestProducer request;
        try {
            request = request(agency, delivery, contentType, headers, body, startedAt);
        } catch (IllegalArgumentException e) {
            // A bad secret or endpoint is configuration, not the agency's answer; the message names no secret.
            return CompletableFuture.completedFuture(
                    new HttpOutcome(startedAt, 0, null, null, null, "cannot prepare request: " + e.getMessage()));
        }
        Duration timeout = agency.timeout();
        HttpClientContext context = HttpClientContext.create();
        context.setRequestConfig(requestConfigs.computeIfAbsent(timeout, SignedHttpPost::requestConfig));
        CompletableFuture<LimitedBody.Answer> sent = new CompletableFuture<>();
        Future<LimitedBody.Answer> exchange =
                client.execute(request, new LimitedBody(BODY_LIMIT), context, completing(sent));
        // The response timeout is the longest silence while waiting; this bounds the whole exchange, body included.
        CompletableFuture<LimitedBody.Answer> bounded = sent.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return bounded.handle((answer, failure) -> {
            long durationMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            if (failure != null) {
                if (failure instanceof TimeoutException) {
                    exchange.cancel(true);
                }
                return new HttpOutcome(
                        startedAt, durationMillis, null, null, null, HttpFailures.describe(failure, timeout));
            }
            Duration retryAfter = RetryAfter.parse(answer.retryAfter(), clock.instant());
            return new HttpOutcome(startedAt, durationMillis, answer.status(), answer.body(), retryAfter, null);
        });
    }

    /** Connections kept open in the pool, not in use by a try. */
    int idleConnections() {
        return connections.getTotalStats().getAvailable();
    }

    @Override
    public void close() {
        client.close(CloseMode.GRACEFUL);
    }

    private static RequestConfig requestConfig(Duration timeout) {
        return RequestConfig.custom()
                .setResponseTimeout(Timeout.of(timeout))
                .setConnectionRequestTimeout(Timeout.of(timeout))
                .build();
    }

    private static FutureCallback<LimitedBody.Answer> completing(CompletableFuture<LimitedBody.Answer> sent) {
        return new FutureCallback<>() {
            @Override
            public void completed(LimitedBody.Answer answer) {
                sent.complete(answer);
            }

            @Override
            public void failed(Exception failure) {
                sent.completeExceptionally(failure);
            }

            @Override
            public void cancelled() {
                sent.cancel(false);
            }
        };
    }

    private AsyncRequestProducer request(
            Agency agency,
            OutboundDelivery delivery,
            String contentType,
            Map<String, String> headers,
            byte[] body,
            Instant startedAt) {
        // A secret that does not parse is not cached: the IllegalArgumentException reaches the caller every time.
        List<WebhookSecret> secrets = this.secrets.computeIfAbsent(
                agency.secrets(),
                texts -> texts.stream().map(WebhookSecret::parse).toList());
        String id = delivery.addressee().deliveryId().toString();
        long timestamp = startedAt.getEpochSecond();
        AsyncRequestBuilder builder = AsyncRequestBuilder.post(agency.endpoint())
                .addHeader("Content-Type", contentType)
                .addHeader(WebhookSignature.ID_HEADER, id)
                .addHeader(WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestamp))
                .addHeader(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(secrets, id, timestamp, body))
                // The entity names no content type: the header above is sent exactly as the contract writes it.
                .setEntity(AsyncEntityProducers.create(body, null));
        headers.forEach(builder::addHeader);
        return builder.build();
    }
}
