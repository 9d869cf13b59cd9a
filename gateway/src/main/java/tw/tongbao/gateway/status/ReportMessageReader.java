package tw.tongbao.gateway.status;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.support.converter.AbstractJavaTypeMapper;
import org.springframework.amqp.support.converter.MessageConverter;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.core.report.DeliveryReportBatch;
import tw.tongbao.core.report.DeliveryReported;

/**
 * Reads the delivery reports in a message from the adapters: a {@link DeliveryReportBatch}, or one
 * {@link DeliveryReported} (as adapters sent before batching; such messages may still be queued). What cannot be read
 * or is incomplete is left out with a log line, one report at a time where the message allows, so that it never loops.
 */
@Component
class ReportMessageReader {

    private static final Logger log = LoggerFactory.getLogger(ReportMessageReader.class);

    private final MessageConverter converter;
    private final JsonMapper json;

    ReportMessageReader(MessageConverter converter, JsonMapper json) {
        this.converter = converter;
        this.json = json;
    }

    /** The complete reports in the message, in the order it holds them; empty when there is none. */
    List<DeliveryReported> read(Message message) {
        MessageProperties properties = message.getMessageProperties();
        boolean batch = DeliveryReportBatch.class
                .getName()
                .equals(properties.getHeader(AbstractJavaTypeMapper.DEFAULT_CLASSID_FIELD_NAME));
        // Read as what the type header names if it is a batch, else as a report whatever it names, as before batches.
        properties.setInferredArgumentType(batch ? DeliveryReportBatch.class : DeliveryReported.class);
        Object body;
        try {
            body = converter.fromMessage(message);
        } catch (RuntimeException e) {
            if (batch) {
                return readOneByOne(message, e);
            }
            log.warn(
                    "unreadable delivery report dropped (message id {}): {}",
                    properties.getMessageId(),
                    e.getMessage());
            return List.of();
        }
        if (body instanceof DeliveryReportBatch reports) {
            return reports.reports().stream()
                    .filter(ReportMessageReader::complete)
                    .toList();
        }
        if (body instanceof DeliveryReported report) {
            return complete(report) ? List.of(report) : List.of();
        }
        log.warn("message {} on the reports queue dropped: not a delivery report", properties.getMessageId());
        return List.of();
    }

    /** A batch that does not read as a whole: each report that reads alone, so one bad report drops no other. */
    private List<DeliveryReported> readOneByOne(Message message, RuntimeException failure) {
        JsonNode reports;
        try {
            reports = json.readTree(message.getBody()).path("reports");
        } catch (JacksonException e) {
            reports = null;
        }
        if (reports == null || !reports.isArray() || reports.isEmpty()) {
            log.warn(
                    "unreadable batch of delivery reports dropped (message id {}): {}",
                    message.getMessageProperties().getMessageId(),
                    failure.getMessage());
            return List.of();
        }
        List<DeliveryReported> read = new ArrayList<>(reports.size());
        for (int i = 0; i < reports.size(); i++) {
            try {
                DeliveryReported report = json.treeToValue(reports.get(i), DeliveryReported.class);
                if (complete(report)) {
                    read.add(report);
                }
            } catch (JacksonException e) {
                log.warn(
                        "unreadable delivery report {} of {} in message {} dropped: {}",
                        i + 1,
                        reports.size(),
                        message.getMessageProperties().getMessageId(),
                        e.getMessage());
            }
        }
        return read;
    }

    private static boolean complete(DeliveryReported report) {
        if (report == null) {
            log.warn("empty delivery report dropped");
            return false;
        }
        if (report.deliveryId() == null
                || report.agency() == null
                || report.status() == null
                || report.revision() < 1) {
            log.warn(
                    "incomplete delivery report dropped: delivery {} ({}) {} r{}",
                    report.deliveryId(),
                    report.agency(),
                    report.status(),
                    report.revision());
            return false;
        }
        return true;
    }
}
