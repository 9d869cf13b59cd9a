package tw.tongbao.gateway.status;

import tw.tongbao.core.delivery.DeliveryTransitions;
import tw.tongbao.core.report.DeliveryReported;

/**
 * Whether a delivery report may change a delivery: only a higher revision (a report never moves a delivery backwards),
 * and only where the adapters' states could have led. The adapters raise a delivery's revision by one with every state
 * they report, so the next revision must be a move the transition table allows, or the same status with a new try;
 * a revision further on means the reports between have not arrived yet (a requeued message comes back after later
 * ones), and the state it names applies if some moves lead there, for the adapters' later state is the truth.
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
        if (report.revision() > current.revision() + 1) {
            return DeliveryTransitions.isReachable(current.status(), report.status())
                    ? ReportVerdict.APPLY
                    : ReportVerdict.ILLEGAL;
        }
        boolean legal = DeliveryTransitions.isLegal(current.status(), report.status());
        boolean newTry = report.status() == current.status() && report.attempts() > current.attempts();
        return legal || newTry ? ReportVerdict.APPLY : ReportVerdict.ILLEGAL;
    }
}
