package tw.tongbao.bench.sink;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tw.tongbao.core.signature.WebhookSecret;
import tw.tongbao.core.signature.WebhookSignature;

/**
 * A fast agency system on 127.0.0.1: verifies every Standard Webhooks signature, reads the receipt (CloudEvent
 * {@code subject} or SOAP {@code receipt}), records the arrival, answers 200 (401 when the signature fails).
 */
public final class HttpAgencySink implements AutoCloseable {

    private static final Pattern CLOUD_EVENT_SUBJECT = Pattern.compile("\"subject\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern SOAP_RECEIPT = Pattern.compile("<(?:\\w+:)?receipt>([^<]+)</(?:\\w+:)?receipt>");
    private static final byte[] SOAP_OK = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                    + "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>"
                    + "<tb:ChangeNotificationResponse xmlns:tb=\"urn:tongbao:notification:v1\"/>"
                    + "</soap:Body></soap:Envelope>")
            .getBytes(StandardCharsets.UTF_8);

    private final HttpServer server;
    private final ExecutorService threads;

    private HttpAgencySink(HttpServer server, ExecutorService threads) {
        this.server = server;
        this.threads = threads;
    }

    /** Starts a sink on a free port of 127.0.0.1 serving {@code /notifications}. */
    public static HttpAgencySink start(int agency, boolean soap, String secret, int threads, Arrivals arrivals) {
        List<WebhookSecret> secrets = List.of(WebhookSecret.parse(secret));
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            server.setExecutor(pool);
            server.createContext("/notifications", exchange -> {
                try (exchange) {
                    handle(exchange, agency, soap, secrets, arrivals);
                }
            });
            server.start();
            return new HttpAgencySink(server, pool);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start an agency sink", e);
        }
    }

    private static void handle(
            HttpExchange exchange, int agency, boolean soap, List<WebhookSecret> secrets, Arrivals arrivals)
            throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        long now = System.nanoTime();
        var headers = exchange.getRequestHeaders();
        boolean verified = WebhookSignature.verify(
                secrets,
                headers.getFirst(WebhookSignature.ID_HEADER),
                headers.getFirst(WebhookSignature.TIMESTAMP_HEADER),
                headers.getFirst(WebhookSignature.SIGNATURE_HEADER),
                body,
                Instant.now());
        Matcher receipt = (soap ? SOAP_RECEIPT : CLOUD_EVENT_SUBJECT).matcher(new String(body, StandardCharsets.UTF_8));
        if (!verified || !receipt.find()) {
            arrivals.unverified();
            exchange.sendResponseHeaders(401, -1);
            return;
        }
        arrivals.arrived(receipt.group(1), agency, now);
        if (soap) {
            exchange.getResponseHeaders().set("Content-Type", "text/xml; charset=utf-8");
            exchange.sendResponseHeaders(200, SOAP_OK.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(SOAP_OK);
            }
        } else {
            exchange.sendResponseHeaders(200, -1);
        }
    }

    /** The notification endpoint to write into the registry. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/notifications";
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
