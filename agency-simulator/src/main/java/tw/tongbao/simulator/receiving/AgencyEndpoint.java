package tw.tongbao.simulator.receiving;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.agency.AgencyCode;
import tw.tongbao.core.agency.Protocol;
import tw.tongbao.core.signature.WebhookSecret;
import tw.tongbao.core.signature.WebhookSignature;
import tw.tongbao.simulator.receiving.Replies.Reply;
import tw.tongbao.simulator.stats.AgencyCounters;

/** One simulated agency's HTTP endpoint: checks the signature, reads the notification, answers, logs one line. */
final class AgencyEndpoint implements HttpHandler {

    private static final Logger log = LoggerFactory.getLogger(AgencyEndpoint.class);

    /** Bodies above this are refused with 413: real notifications are a few KiB. */
    static final int MAX_BODY_BYTES = 1024 * 1024;

    private final AgencyCode code;
    private final Protocol protocol;
    private final String path;
    private final List<WebhookSecret> secrets;
    private final AgencyCounters counters;
    private final FaultInjection faults;
    private final Clock clock;

    AgencyEndpoint(Agency agency, AgencyCounters counters, FaultInjection faults, Clock clock) {
        this.code = agency.code();
        this.protocol = agency.protocol();
        this.path = pathOf(agency);
        this.secrets = agency.secrets().stream().map(WebhookSecret::parse).toList();
        this.counters = counters;
        this.faults = faults;
        this.clock = clock;
    }

    /** The request path the agency answers on; {@code /} when its endpoint names none. */
    static String pathOf(Agency agency) {
        String path = agency.endpoint().getPath();
        return path == null || path.isEmpty() ? "/" : path;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Reply reply = answer(exchange);
            exchange.getResponseHeaders().set("Content-Type", reply.contentType());
            exchange.sendResponseHeaders(reply.status(), reply.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(reply.body());
            }
        }
    }

    private Reply answer(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestURI().getPath().equals(path)) {
            return Replies.error(404, "no agency endpoint here; " + code + " listens on " + path);
        }
        if (!exchange.getRequestMethod().equals("POST")) {
            exchange.getResponseHeaders().set("Allow", "POST");
            return Replies.error(405, "deliveries are POSTed");
        }
        byte[] body = readBody(exchange.getRequestBody());
        if (body == null) {
            return Replies.error(413, "body over " + MAX_BODY_BYTES + " bytes");
        }
        Headers headers = exchange.getRequestHeaders();
        String id = headers.getFirst(WebhookSignature.ID_HEADER);
        String timestamp = headers.getFirst(WebhookSignature.TIMESTAMP_HEADER);
        String signature = headers.getFirst(WebhookSignature.SIGNATURE_HEADER);
        if (!WebhookSignature.verify(secrets, id, timestamp, signature, body, clock.instant())) {
            counters.badSignature();
            String reason = whySignatureFails(id, timestamp, signature);
            log.warn("{} refused a delivery: {} (webhook-id={})", code, reason, id);
            return Replies.unauthorized(reason);
        }
        Notification notification;
        try {
            notification = NotificationReader.read(protocol, body);
            if (notification.id() != null && !notification.id().equals(id)) {
                throw new UnreadableNotification("the body's id differs from webhook-id");
            }
        } catch (UnreadableNotification e) {
            counters.rejected();
            log.warn("{} rejected delivery webhook-id={}: {}", code, id, e.getMessage());
            return Replies.unreadable(protocol, e.getMessage());
        }
        faults.delay(code);
        if (faults.failsNow(code)) {
            counters.injectedFailure();
            log.info("{} failed delivery webhook-id={} on purpose (503)", code, id);
            return Replies.unavailable(protocol);
        }
        boolean duplicate = counters.acceptAndCheckDuplicate(id);
        log.info(
                "{} received {} webhook-id={} receipt={} subjectRef={} subjectId={}{}",
                code,
                notification.eventType(),
                id,
                notification.receipt(),
                notification.maskedSubjectRef(),
                notification.maskedSubjectId(),
                duplicate ? " (duplicate: already held)" : "");
        return Replies.received(protocol, id);
    }

    private String whySignatureFails(String id, String timestamp, String signature) {
        if (id == null || timestamp == null || signature == null) {
            return "missing webhook-id, webhook-timestamp or webhook-signature header";
        }
        try {
            long seconds = Long.parseLong(timestamp.trim());
            if (Math.abs(clock.instant().getEpochSecond() - seconds) > WebhookSignature.TOLERANCE.toSeconds()) {
                return "webhook-timestamp is more than " + WebhookSignature.TOLERANCE.toMinutes() + " minutes off";
            }
        } catch (NumberFormatException e) {
            return "webhook-timestamp is not Unix seconds";
        }
        return "no v1 signature verifies under " + code + "'s secret";
    }

    /** The body, or null when it is larger than {@link #MAX_BODY_BYTES}. */
    private static byte[] readBody(InputStream in) throws IOException {
        byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
        return body.length > MAX_BODY_BYTES ? null : body;
    }
}
