package tw.tongbao.gateway.status;

import tw.tongbao.core.delivery.DeliveryTransitions;
import tw.tongbao.core.report.DeliveryReported;

/**
 * Whether a delivery report may change a delivery: only a higher revision, and only a move the transition table
 * allows, or the same status with a new try (a report never moves a delivery backwards).
 */
final class ReportRule {

    private ReportRule() {}

    static ReportVerdict judge(StoredDelivery current, DeliveryReported report) {
        if (!current.agency().equals(report.agency())) {
            return ReportVerdict.WRONG_AGENCY;
        }
        if (report.revision() <= current.revision()) {
            return ReportVerdict.STALE;
        }
        boolean legal = DeliveryTransitions.isLegal(current.status(), report.status());
        boolean newTry = report.status() == current.status() && report.attempts() > current.attempts();
        return legal || newTry ? ReportVerdict.APPLY : ReportVerdict.ILLEGAL;
    }
}
