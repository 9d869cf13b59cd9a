package tw.tongbao.gateway.status;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;
import tw.tongbao.core.messaging.Topology;
import tw.tongbao.core.report.DeliveryReported;

/**
 * Takes delivery reports from the adapters in batches of messages (each a batch of reports or, from older adapters, one
 * report) and applies them in transactions of at most {@code tongbao.reports.batch-size} reports, lowest revision
 * first. The messages are acked only once every transaction committed; an unreadable or incomplete report is dropped
 * (and acked) so it can never loop. When a transaction fails its reports are applied one by one, so one bad report
 * holds back no other, not even of its own message; while the database is unreachable the messages are not acked but
 * requeued, so nothing is lost (reports applied before are then stale and change nothing).
 */
@Component
class ReportListener {

    /** The listener's id in the container registry. */
    static final String ID = "deliveryReports";

    private static final Logger log = LoggerFactory.getLogger(ReportListener.class);

    private final DeliveryReports reports;
    private final ReportMessageReader reader;
    private final ReportProperties properties;

    ReportListener(DeliveryReports reports, ReportMessageReader reader, ReportProperties properties) {
        this.reports = reports;
        this.reader = reader;
        this.properties = properties;
    }

    @RabbitListener(
            id = ID,
            queues = Topology.REPORTS_QUEUE,
            containerFactory = ReportMessaging.BATCH_CONTAINER_FACTORY)
    void onReports(List<Message> messages) {
        List<DeliveryReported> received = new ArrayList<>();
        messages.forEach(message -> received.addAll(reader.read(message)));
        if (received.isEmpty()) {
            return;
        }
        // In revision order before it is cut, so a delivery's reports apply in revision order across transactions too.
        List<DeliveryReported> ordered = ReportBatch.inRevisionOrder(received).stream()
                .map(received::get)
                .toList();
        List<RuntimeException> failures = new ArrayList<>();
        for (int from = 0; from < ordered.size(); from += properties.batchSize()) {
            apply(ordered.subList(from, Math.min(ordered.size(), from + properties.batchSize())), failures);
        }
        if (!failures.isEmpty()) {
            RuntimeException first = failures.get(0);
            failures.stream().skip(1).forEach(first::addSuppressed);
            throw first;
        }
    }

    /** Applies the reports in one transaction or, if that fails for any reason but an outage, one by one. */
    private void apply(List<DeliveryReported> batch, List<RuntimeException> failures) {
        try {
            reports.applyAll(batch);
        } catch (RuntimeException e) {
            if (DatabaseOutage.explains(e)) {
                throw e;
            }
            log.warn("batch of {} delivery reports failed, applying them one by one: {}", batch.size(), e.toString());
            applyOneByOne(batch, failures);
        }
    }

    /**
     * Applies each report in its own transaction, in revision order. A report the database refuses for its content is
     * dropped; any other failure has the messages redelivered once the rest are applied (they are then stale).
     */
    private void applyOneByOne(List<DeliveryReported> batch, List<RuntimeException> failures) {
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
    }
}
