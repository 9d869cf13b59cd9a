package tw.tongbao.gateway.status;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import tw.tongbao.core.report.DeliveryReported;

/**
 * Judges a batch of reports as if each were applied alone, one after another in revision order: a delivery's later
 * report is judged against the state its earlier applied ones left, so out-of-order and duplicate reports in one batch
 * end where applying them one by one in revision order would.
 */
final class ReportBatch {

    private ReportBatch() {}

    /**
     * What {@link ReportRule} says of each report.
     *
     * @param stored the deliveries the reports name, as stored before the batch (absent ones are unknown)
     * @return one judgement per report, in the order they apply
     */
    static List<Judged> judge(Map<UUID, StoredDelivery> stored, List<DeliveryReported> reports) {
        Map<UUID, StoredDelivery> current = new HashMap<>(stored);
        List<Judged> judged = new ArrayList<>(reports.size());
        for (int position : inRevisionOrder(reports)) {
            DeliveryReported report = reports.get(position);
            StoredDelivery before = current.get(report.deliveryId());
            if (before == null) {
                judged.add(new Judged(position, report, null, ReportVerdict.ILLEGAL));
                continue;
            }
            Judged one = new Judged(position, report, before, ReportRule.judge(before, report));
            if (one.verdict() == ReportVerdict.APPLY) {
                current.put(before.id(), one.after());
            }
            judged.add(one);
        }
        return judged;
    }

    /** The positions of the reports, lowest revision first; equal revisions keep their order (the first wins). */
    static List<Integer> inRevisionOrder(List<DeliveryReported> reports) {
        return IntStream.range(0, reports.size())
                .boxed()
                .sorted(Comparator.comparingLong(i -> reports.get(i).revision()))
                .toList();
    }

    /**
     * One report and what to do with it.
     *
     * @param position its place in the batch as received
     * @param report the report
     * @param before the delivery as the report finds it, or null when there is no such delivery
     * @param verdict whether it applies
     */
    record Judged(int position, DeliveryReported report, StoredDelivery before, ReportVerdict verdict) {

        /** The delivery once this report is applied. */
        StoredDelivery after() {
            return new StoredDelivery(
                    before.id(),
                    before.agency(),
                    report.status(),
                    report.revision(),
                    Math.max(before.attempts(), report.attempts()));
        }
    }
}
