package tw.tongbao.bench.sink;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpStatus;
import org.apache.hc.core5.http.Message;
import org.apache.hc.core5.http.impl.bootstrap.AsyncServerBootstrap;
import org.apache.hc.core5.http.impl.bootstrap.HttpAsyncServer;
import org.apache.hc.core5.http.nio.AsyncRequestConsumer;
import org.apache.hc.core5.http.nio.AsyncServerRequestHandler;
import org.apache.hc.core5.http.nio.entity.AsyncEntityProducers;
import org.apache.hc.core5.http.nio.entity.BasicAsyncEntityConsumer;
import org.apache.hc.core5.http.nio.support.AsyncResponseBuilder;
import org.apache.hc.core5.http.nio.support.BasicRequestConsumer;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.reactor.ListenerEndpoint;
import tw.tongbao.core.signature.WebhookSecret;
import tw.tongbao.core.signature.WebhookSignature;

/**
 * A fast agency system on 127.0.0.1: verifies every Standard Webhooks signature, reads the receipt (CloudEvent
 * {@code subject} or SOAP {@code receipt}), records the arrival, answers 200 (401 when the signature fails).
 *
 * <p>It serves on HttpCore 5's non-blocking server with one I/O thread, which handles each request where it was read:
 * the check is a few microseconds of HMAC. The sinks share the machine with what they measure, and the JDK's
 * {@code HttpServer} (a hand-over to a worker thread and a selector re-registration per request) took 38–66 µs of CPU
 * a request against 17–24 µs here ({@code docs/benchmarks/2026-11-28-agency-sinks}).
 */
public final class HttpAgencySink implements AutoCloseable {

    private static final Pattern CLOUD_EVENT_SUBJECT = Pattern.compile("\"subject\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern SOAP_RECEIPT = Pattern.compile("<(?:\\w+:)?receipt>([^<]+)</(?:\\w+:)?receipt>");
    private static final byte[] SOAP_OK = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                    + "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>"
                    + "<tb:ChangeNotificationResponse xmlns:tb=\"urn:tongbao:notification:v1\"/>"
                    + "</soap:Body></soap:Envelope>")
            .getBytes(StandardCharsets.UTF_8);
    private static final ContentType SOAP_TYPE = ContentType.create("text/xml", StandardCharsets.UTF_8);
    private static final String HOST = "127.0.0.1";
    private static final String PATH = "/notifications";

    private final HttpAsyncServer server;
    private final int port;

    private HttpAgencySink(HttpAsyncServer server, int port) {
        this.server = server;
        this.port = port;
    }

    /** Starts a sink on a free port of 127.0.0.1 serving {@code /notifications}. */
    public static HttpAgencySink start(int agency, boolean soap, String secret, Arrivals arrivals) {
        Receiver receiver = new Receiver(agency, soap, List.of(WebhookSecret.parse(secret)), arrivals);
        HttpAsyncServer server = AsyncServerBootstrap.bootstrap()
                // The registry names the sink by this address; requests for another host are answered 421.
                .setCanonicalHostName(HOST)
                .setIOReactorConfig(IOReactorConfig.custom().setIoThreadCount(1).build())
                .register(PATH, receiver)
                .create();
        server.start();
        try {
            ListenerEndpoint endpoint =
                    server.listen(new InetSocketAddress(HOST, 0)).get();
            return new HttpAgencySink(server, ((InetSocketAddress) endpoint.getAddress()).getPort());
        } catch (ExecutionException e) {
            server.close(CloseMode.IMMEDIATE);
            throw new IllegalStateException("cannot start an agency sink", e.getCause());
        } catch (InterruptedException e) {
            server.close(CloseMode.IMMEDIATE);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting an agency sink", e);
        }
    }

    /** The notification endpoint to write into the registry. */
    public String endpoint() {
        return "http://" + HOST + ":" + port + PATH;
    }

    @Override
    public void close() {
        server.close(CloseMode.IMMEDIATE);
    }

    /** Checks one request as it has been read whole, and answers it. */
    private record Receiver(int agency, boolean soap, List<WebhookSecret> secrets, Arrivals arrivals)
            implements AsyncServerRequestHandler<Message<HttpRequest, byte[]>> {

        @Override
        public AsyncRequestConsumer<Message<HttpRequest, byte[]>> prepare(
                HttpRequest request, EntityDetails entity, HttpContext context) {
            return new BasicRequestConsumer<>(entity == null ? null : new BasicAsyncEntityConsumer());
        }

        @Override
        public void handle(Message<HttpRequest, byte[]> message, ResponseTrigger trigger, HttpContext context)
                throws org.apache.hc.core5.http.HttpException, IOException {
            long now = System.nanoTime();
            HttpRequest request = message.getHead();
            byte[] body = message.getBody() == null ? new byte[0] : message.getBody();
            boolean verified = WebhookSignature.verify(
                    secrets,
                    header(request, WebhookSignature.ID_HEADER),
                    header(request, WebhookSignature.TIMESTAMP_HEADER),
                    header(request, WebhookSignature.SIGNATURE_HEADER),
                    body,
                    Instant.now());
            Matcher receipt =
                    (soap ? SOAP_RECEIPT : CLOUD_EVENT_SUBJECT).matcher(new String(body, StandardCharsets.UTF_8));
            AsyncResponseBuilder response;
            if (!verified || !receipt.find()) {
                arrivals.unverified();
                response = AsyncResponseBuilder.create(HttpStatus.SC_UNAUTHORIZED);
            } else {
                arrivals.arrived(receipt.group(1), agency, now);
                response = AsyncResponseBuilder.create(HttpStatus.SC_OK);
                if (soap) {
                    response.setEntity(AsyncEntityProducers.create(SOAP_OK, SOAP_TYPE));
                }
            }
            trigger.submitResponse(response.build(), context);
        }

        private static String header(HttpRequest request, String name) {
            Header header = request.getFirstHeader(name);
            return header == null ? null : header.getValue();
        }
    }
}
