package tw.tongbao.adapters.restjson;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.stereotype.Component;
import tw.tongbao.adapters.transport.OutboundDelivery;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.signature.WebhookSecret;
import tw.tongbao.core.signature.WebhookSignature;

/**
 * POSTs a body to an agency with the Standard Webhooks headers, over one shared HTTP/1.1 client that keeps
 * connections alive; shared by the rest-json and soap-xml transports.
 */
@Component
public class SignedHttpPost {

    /** How much of an answer's body is kept (enough to read a SOAP fault); the rest is read and dropped. */
    public static final int BODY_LIMIT = 64 * 1024;

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient client;
    private final Clock clock;
    /** Parsed signing secrets by their text: the registry holds a few, and every try signs with them. */
    private final Map<List<String>, List<WebhookSecret>> secrets = new ConcurrentHashMap<>();

    public SignedHttpPost() {
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
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
        HttpRequest request;
        try {
            request = request(agency, delivery, contentType, headers, body, startedAt);
        } catch (IllegalArgumentException e) {
            // A bad secret or endpoint is configuration, not the agency's answer; the message names no secret.
            return CompletableFuture.completedFuture(
                    new HttpOutcome(startedAt, 0, null, null, null, "cannot prepare request: " + e.getMessage()));
        }
        Duration timeout = agency.timeout();
        CompletableFuture<HttpResponse<byte[]>> sent = client.sendAsync(request, info -> new LimitedBody(BODY_LIMIT));
        // The request timeout ends at the response headers; this bounds the whole exchange, body included.
        CompletableFuture<HttpResponse<byte[]>> bounded =
                sent.copy().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return bounded.handle((response, failure) -> {
            long durationMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            if (failure != null) {
                if (failure instanceof TimeoutException) {
                    sent.cancel(true);
                }
                return new HttpOutcome(
                        startedAt, durationMillis, null, null, null, HttpFailures.describe(failure, timeout));
            }
            Duration retryAfter = response.headers()
                    .firstValue("Retry-After")
                    .map(value -> RetryAfter.parse(value, clock.instant()))
                    .orElse(null);
            return new HttpOutcome(startedAt, durationMillis, response.statusCode(), response.body(), retryAfter, null);
        });
    }

    private HttpRequest request(
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
        HttpRequest.Builder builder = HttpRequest.newBuilder(agency.endpoint())
                .timeout(agency.timeout())
                .header("Content-Type", contentType)
                .header(WebhookSignature.ID_HEADER, id)
                .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestamp))
                .header(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(secrets, id, timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(builder::header);
        return builder.build();
    }
}
