package tw.tongbao.core.report;

import java.util.List;

/**
 * Several delivery reports in one message from the adapters to the gateway, in the order the adapters wrote them (so a
 * delivery's reports in revision order), to save the broker and both sides a message per report.
 *
 * <p>Internal to Tongbao: the gateway also still takes a lone {@link DeliveryReported}, as adapters sent before.
 *
 * @param reports at least one report
 */
public record DeliveryReportBatch(List<DeliveryReported> reports) {

    public DeliveryReportBatch {
        if (reports == null || reports.isEmpty()) {
            throw new IllegalArgumentException("a batch of delivery reports holds at least one report");
        }
        reports = List.copyOf(reports);
    }
}
