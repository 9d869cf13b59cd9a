package tw.tongbao.gateway.status;

import static org.assertj.core.api.Assertions.assertThat;
import static tw.tongbao.core.delivery.DeliveryStatus.APPLIED;
import static tw.tongbao.core.delivery.DeliveryStatus.DELIVERED;
import static tw.tongbao.core.delivery.DeliveryStatus.PARKED;
import static tw.tongbao.core.delivery.DeliveryStatus.PENDING;
import static tw.tongbao.core.delivery.DeliveryStatus.REJECTED;
import static tw.tongbao.core.delivery.DeliveryStatus.RETRYING;
import static tw.tongbao.core.delivery.DeliveryStatus.SUPERSEDED;

import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tw.tongbao.core.delivery.DeliveryStatus;
import tw.tongbao.core.report.DeliveryReported;

class ReportRuleTests {

    private static final UUID ID = UUID.randomUUID();

    @Test
    void appliesAHigherRevisionWithALegalMove() {
        assertThat(ReportRule.judge(stored(PENDING, 0, 0), report(DELIVERED, 1, 1)))
                .isEqualTo(ReportVerdict.APPLY);
        assertThat(ReportRule.judge(stored(DELIVERED, 1, 1), report(APPLIED, 2, 1)))
                .isEqualTo(ReportVerdict.APPLY);
    }

    @Test
    void ignoresAStaleOrDuplicateRevision() {
        assertThat(ReportRule.judge(stored(DELIVERED, 2, 1), report(RETRYING, 1, 1)))
                .isEqualTo(ReportVerdict.STALE);
        assertThat(ReportRule.judge(stored(DELIVERED, 2, 1), report(APPLIED, 2, 1)))
                .isEqualTo(ReportVerdict.STALE);
    }

    @Test
    void ignoresAMoveTheTransitionTableForbids() {
        assertThat(ReportRule.judge(stored(DELIVERED, 1, 1), report(RETRYING, 2, 2)))
                .isEqualTo(ReportVerdict.ILLEGAL);
        assertThat(ReportRule.judge(stored(SUPERSEDED, 1, 0), report(DELIVERED, 2, 1)))
                .isEqualTo(ReportVerdict.ILLEGAL);
    }

    @Test
    void appliesALaterRevisionWhereSomeMovesLead() {
        // r2 (an operator's retry: PENDING) has not arrived; r3 says the retry was delivered.
        assertThat(ReportRule.judge(stored(PARKED, 1, 1), report(DELIVERED, 3, 2)))
                .isEqualTo(ReportVerdict.APPLY);
        assertThat(ReportRule.judge(stored(PARKED, 1, 1), report(RETRYING, 4, 2)))
                .isEqualTo(ReportVerdict.APPLY);
        // No history leaves an end state, however many reports are missing.
        assertThat(ReportRule.judge(stored(SUPERSEDED, 1, 0), report(DELIVERED, 5, 1)))
                .isEqualTo(ReportVerdict.ILLEGAL);
    }

    @Test
    void appliesTheSameStatusOnlyWithANewTry() {
        assertThat(ReportRule.judge(stored(RETRYING, 1, 1), report(RETRYING, 2, 2)))
                .isEqualTo(ReportVerdict.APPLY);
        assertThat(ReportRule.judge(stored(REJECTED, 1, 1), report(REJECTED, 2, 1)))
                .isEqualTo(ReportVerdict.ILLEGAL);
    }

    @Test
    void ignoresAReportNamingAnotherAgency() {
        DeliveryReported report = new DeliveryReported(ID, "NHIA", DELIVERED, 1, 1, Instant.now(), null, null, null);

        assertThat(ReportRule.judge(stored(PENDING, 0, 0), report)).isEqualTo(ReportVerdict.WRONG_AGENCY);
    }

    private static StoredDelivery stored(DeliveryStatus status, long revision, int attempts) {
        return new StoredDelivery(ID, "NTA", status, revision, attempts);
    }

    private static DeliveryReported report(DeliveryStatus status, long revision, int attempts) {
        return new DeliveryReported(ID, "NTA", status, revision, attempts, Instant.now(), null, null, null);
    }
}
