package tw.tongbao.gateway.status;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.amqp.support.converter.MessageConverter;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;
import tw.tongbao.core.messaging.Topology;
import tw.tongbao.core.report.DeliveryReported;

/**
 * Takes delivery reports from the adapters in batches and applies each batch in one transaction. The batch is acked
 * only once that committed; an unreadable or incomplete report is dropped (and acked) so it can never loop. When the
 * batch transaction fails the reports are applied one by one, so one bad report holds back no other; while the database
 * is unreachable the batch is not acked but requeued, so nothing is lost.
 */
@Component
class ReportListener {

    /** The listener's id in the container registry. */
    static final String ID = "deliveryReports";

    private static final Logger log = LoggerFactory.getLogger(ReportListener.class);

    private final DeliveryReports reports;
    private final MessageConverter converter;

    ReportListener(DeliveryReports reports, MessageConverter converter) {
        this.reports = reports;
        this.converter = converter;
    }

    @RabbitListener(
            id = ID,
            queues = Topology.REPORTS_QUEUE,
            containerFactory = ReportMessaging.BATCH_CONTAINER_FACTORY)
    void onReports(List<Message> messages) {
        List<DeliveryReported> batch =
                messages.stream().map(this::read).flatMap(Optional::stream).toList();
        if (batch.isEmpty()) {
            return;
        }
        try {
            reports.applyAll(batch);
        } catch (RuntimeException e) {
            if (DatabaseOutage.explains(e)) {
                throw e;
            }
            log.warn("batch of {} delivery reports failed, applying them one by one: {}", batch.size(), e.toString());
            applyOneByOne(batch);
        }
    }

    /**
     * Applies each report in its own transaction, in revision order. A report the database refuses for its content is
     * dropped; any other failure has the whole batch redelivered once the rest are applied (they are then stale).
     */
    private void applyOneByOne(List<DeliveryReported> batch) {
        List<RuntimeException> failures = new ArrayList<>();
        for (int position : ReportBatch.inRevisionOrder(batch)) {
            DeliveryReported report = batch.get(position);
            try {
                reports.apply(report);
            } catch (DataIntegrityViolationException e) {
                log.error(
                        "report r{} for delivery {} ({}) dropped: the database refuses it",
                        report.revision(),
                        report.deliveryId(),
                        report.agency(),
                        e);
            } catch (RuntimeException e) {
                if (DatabaseOutage.explains(e)) {
                    throw e;
                }
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            RuntimeException first = failures.get(0);
            failures.stream().skip(1).forEach(first::addSuppressed);
            throw first;
        }
    }

    /** The report in the message, or empty (logged) when it is unreadable or incomplete. */
    private Optional<DeliveryReported> read(Message message) {
        Object body;
        // Read as a report whatever type the message names, as a listener method taking a report would.
        message.getMessageProperties().setInferredArgumentType(DeliveryReported.class);
        try {
            body = converter.fromMessage(message);
        } catch (RuntimeException e) {
            log.warn(
                    "unreadable delivery report dropped (message id {}): {}",
                    message.getMessageProperties().getMessageId(),
                    e.getMessage());
            return Optional.empty();
        }
        if (!(body instanceof DeliveryReported report)) {
            log.warn(
                    "message {} on the reports queue dropped: not a delivery report",
                    message.getMessageProperties().getMessageId());
            return Optional.empty();
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
            return Optional.empty();
        }
        return Optional.of(report);
    }
}
