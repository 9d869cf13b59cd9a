package tw.tongbao.adapters.report;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.support.converter.AbstractJavaTypeMapper;
import tw.tongbao.core.messaging.Topology;
import tw.tongbao.core.report.DeliveryReportBatch;
import tw.tongbao.core.report.DeliveryReported;

/**
 * Packs the outbox rows of one relay batch into messages: the delivery reports, in id order, a bounded number to a
 * {@link DeliveryReportBatch} message; each alert alone, as stored. The stored JSON is copied, never read and written
 * again.
 */
final class ReportMessages {

    private static final byte[] BATCH_START = "{\"reports\":[".getBytes(StandardCharsets.UTF_8);
    private static final byte[] BATCH_END = "]}".getBytes(StandardCharsets.UTF_8);

    private ReportMessages() {}

    /**
     * The messages holding the rows, ordered by their first row's id, so that one channel sends every delivery's reports
     * in the order they were written.
     *
     * @param rows waiting rows in id order
     * @param reportsPerMessage most reports in one message
     * @param maxBytes most bytes of reports in one message (a larger single report still goes, alone)
     */
    static List<Outgoing> pack(List<ReportOutbox.Pending> rows, int reportsPerMessage, int maxBytes) {
        List<Outgoing> messages = new ArrayList<>();
        List<ReportOutbox.Pending> reports = new ArrayList<>();
        int bytes = 0;
        for (ReportOutbox.Pending row : rows) {
            if (row.type() != DeliveryReported.class) {
                messages.add(new Outgoing(
                        List.of(row.id()),
                        row.exchange(),
                        row.routingKey(),
                        message(row.body(), row.type()),
                        row.description()));
                continue;
            }
            if (!reports.isEmpty()
                    && (reports.size() == reportsPerMessage || bytes + row.body().length + 1 > maxBytes)) {
                messages.add(batch(reports));
                reports = new ArrayList<>();
                bytes = 0;
            }
            reports.add(row);
            bytes += row.body().length + 1;
        }
        if (!reports.isEmpty()) {
            messages.add(batch(reports));
        }
        messages.sort(Comparator.comparingLong(Outgoing::firstId));
        return messages;
    }

    private static Outgoing batch(List<ReportOutbox.Pending> reports) {
        int length = BATCH_START.length + BATCH_END.length + reports.size() - 1;
        for (ReportOutbox.Pending report : reports) {
            length += report.body().length;
        }
        byte[] body = new byte[length];
        int at = append(body, 0, BATCH_START);
        for (int i = 0; i < reports.size(); i++) {
            if (i > 0) {
                body[at++] = ',';
            }
            at = append(body, at, reports.get(i).body());
        }
        append(body, at, BATCH_END);
        ReportOutbox.Pending first = reports.get(0);
        String description = reports.size() == 1
                ? first.description()
                : reports.size() + " reports (outbox ids " + first.id() + ".."
                        + reports.get(reports.size() - 1).id() + ")";
        return new Outgoing(
                reports.stream().map(ReportOutbox.Pending::id).toList(),
                Topology.REPORTS_EXCHANGE,
                Topology.REPORTS_ROUTING_KEY,
                message(body, DeliveryReportBatch.class),
                description);
    }

    private static int append(byte[] target, int at, byte[] bytes) {
        System.arraycopy(bytes, 0, target, at, bytes.length);
        return at + bytes.length;
    }

    /**
     * JSON as a persistent message with what the gateway's {@code JacksonJsonMessageConverter} reads it by: JSON
     * content type, UTF-8, and the type id header naming the message's class.
     */
    static Message message(byte[] body, Class<?> type) {
        MessageProperties properties = new MessageProperties();
        properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        properties.setContentEncoding(StandardCharsets.UTF_8.name());
        properties.setContentLength(body.length);
        properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
        properties.setHeader(AbstractJavaTypeMapper.DEFAULT_CLASSID_FIELD_NAME, type.getName());
        return new Message(body, properties);
    }

    /**
     * One message to publish and the outbox rows it holds, to be deleted once the broker confirmed it.
     *
     * @param ids the rows' ids, ascending
     * @param exchange where it goes
     * @param routingKey its routing key
     * @param message the message
     * @param description a short account for logs
     */
    record Outgoing(List<Long> ids, String exchange, String routingKey, Message message, String description) {

        long firstId() {
            return ids.get(0);
        }
    }
}
