package tw.tongbao.gateway.status;

import static org.assertj.core.api.Assertions.assertThat;
import static tw.tongbao.core.delivery.DeliveryStatus.APPLIED;
import static tw.tongbao.core.delivery.DeliveryStatus.DELIVERED;
import static tw.tongbao.core.delivery.DeliveryStatus.PENDING;
import static tw.tongbao.core.delivery.DeliveryStatus.RETRYING;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tw.tongbao.core.delivery.DeliveryStatus;
import tw.tongbao.core.report.DeliveryReported;
import tw.tongbao.gateway.status.ReportBatch.Judged;

class ReportBatchTests {

    private static final UUID ID = UUID.randomUUID();
    private static final Map<UUID, StoredDelivery> PENDING_AT_0 =
            Map.of(ID, new StoredDelivery(ID, "NTA", PENDING, 0, 0));

    @Test
    void judgesADeliverysReportsInRevisionOrderAgainstTheStateTheEarlierOnesLeft() {
        // APPLIED is no legal move from PENDING: it applies only because DELIVERED (r2) is judged before it.
        List<Judged> judged = ReportBatch.judge(
                PENDING_AT_0, List.of(report(APPLIED, 3, 1), report(RETRYING, 1, 1), report(DELIVERED, 2, 2)));

        assertThat(judged).extracting(Judged::position).containsExactly(1, 2, 0);
        assertThat(judged).extracting(Judged::verdict).containsOnly(ReportVerdict.APPLY);
        assertThat(judged.get(2).before()).isEqualTo(new StoredDelivery(ID, "NTA", DELIVERED, 2, 2));
        assertThat(judged.get(2).after()).isEqualTo(new StoredDelivery(ID, "NTA", APPLIED, 3, 2));
    }

    @Test
    void judgesARepeatedRevisionStaleAndKeepsTheFirstOfEqualRevisions() {
        List<Judged> judged = ReportBatch.judge(
                PENDING_AT_0, List.of(report(DELIVERED, 1, 1), report(RETRYING, 1, 1), report(DELIVERED, 1, 1)));

        assertThat(judged).extracting(Judged::position).containsExactly(0, 1, 2);
        assertThat(judged)
                .extracting(Judged::verdict)
                .containsExactly(ReportVerdict.APPLY, ReportVerdict.STALE, ReportVerdict.STALE);
    }

    @Test
    void judgesAReportOfAnUnknownDeliveryIllegal() {
        List<Judged> judged = ReportBatch.judge(Map.of(), List.of(report(DELIVERED, 1, 1)));

        assertThat(judged).extracting(Judged::verdict).containsExactly(ReportVerdict.ILLEGAL);
        assertThat(judged.get(0).before()).isNull();
    }

    private static DeliveryReported report(DeliveryStatus status, long revision, int attempts) {
        return new DeliveryReported(ID, "NTA", status, revision, attempts, Instant.now(), null, null, null);
    }
}
