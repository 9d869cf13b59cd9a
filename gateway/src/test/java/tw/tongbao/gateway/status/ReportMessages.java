package tw.tongbao.gateway.status;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.support.converter.JacksonJsonMessageConverter;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.core.delivery.DeliveryStatus;
import tw.tongbao.core.report.AttemptRecord;
import tw.tongbao.core.report.DeliveryReportBatch;
import tw.tongbao.core.report.DeliveryReported;

/** Delivery reports and the messages the adapters carry them in: one to a message (before batching) or many. */
final class ReportMessages {

    static final Instant TRIED = Instant.parse("2026-11-26T09:00:01.250Z");

    private static final JacksonJsonMessageConverter CONVERTER =
            new JacksonJsonMessageConverter(JsonMapper.builder().build(), "tw.tongbao.core.*");

    private ReportMessages() {}

    /** An NTA report with a try, a reason with quotes and braces at revision 2, a next try when retrying. */
    static DeliveryReported report(UUID id, DeliveryStatus status, long revision, int attempts) {
        return new DeliveryReported(
                id,
                "NTA",
                status,
                revision,
                attempts,
                TRIED.plusSeconds(revision),
                revision == 2 ? "agency said \"later\", {twice}" : null,
                status == DeliveryStatus.RETRYING ? TRIED.plusSeconds(60 * revision) : null,
                new AttemptRecord(attempts, TRIED, 120, 202, "{\"ok\":true}", null));
    }

    /** The same report of another delivery. */
    static DeliveryReported withDelivery(DeliveryReported report, UUID delivery) {
        return new DeliveryReported(
                delivery,
                report.agency(),
                report.status(),
                report.revision(),
                report.attempts(),
                report.occurredAt(),
                report.reason(),
                report.nextAttemptAt(),
                report.attempt());
    }

    /** One report alone, as adapters sent every report before batching (and such messages may still be queued). */
    static Message single(DeliveryReported report) {
        return CONVERTER.toMessage(report, new MessageProperties());
    }

    /** Reports together in one message, as the adapters' relay sends them. */
    static Message batch(List<DeliveryReported> reports) {
        return CONVERTER.toMessage(new DeliveryReportBatch(reports), new MessageProperties());
    }

    /** A JSON message with this body, naming {@code type} in its type id header. */
    static Message json(String body, Class<?> type) {
        MessageProperties properties = new MessageProperties();
        properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        properties.setHeader("__TypeId__", type.getName());
        return new Message(body.getBytes(StandardCharsets.UTF_8), properties);
    }

    /** The report as JSON, as the adapters store and send it. */
    static String text(DeliveryReported report) {
        return new String(single(report).getBody(), StandardCharsets.UTF_8);
    }
}
