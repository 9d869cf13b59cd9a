package tw.tongbao.gateway.status;

import org.springframework.amqp.AmqpRejectAndDontRequeueException;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.stereotype.Component;
import tw.tongbao.core.messaging.Topology;
import tw.tongbao.core.report.DeliveryReported;

/**
 * Takes delivery reports from the adapters. Every readable report is acked, applied or not; an unreadable one is
 * rejected without requeue (Spring's conversion failure handling), so it can never loop.
 */
@Component
class ReportListener {

    private final DeliveryReports reports;

    ReportListener(DeliveryReports reports) {
        this.reports = reports;
    }

    @RabbitListener(queues = Topology.REPORTS_QUEUE)
    void onReport(DeliveryReported report) {
        if (report == null
                || report.deliveryId() == null
                || report.agency() == null
                || report.status() == null
                || report.revision() < 1) {
            throw new AmqpRejectAndDontRequeueException("incomplete delivery report dropped: " + report);
        }
        reports.apply(report);
    }
}
