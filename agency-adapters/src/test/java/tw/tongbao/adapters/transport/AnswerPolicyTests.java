package tw.tongbao.adapters.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import tw.tongbao.core.answer.AgencyAnswer;
import tw.tongbao.core.change.ChangeType;
import tw.tongbao.core.delivery.DeliveryStatus;
import tw.tongbao.core.delivery.IllegalDeliveryTransition;
import tw.tongbao.core.report.AttemptRecord;
import tw.tongbao.core.report.DeliveryReported;

class AnswerPolicyTests {

    private static final Instant NOW = Instant.parse("2026-11-26T09:00:00Z");
    private static final List<Duration> SCHEDULE =
            List.of(Duration.ZERO, Duration.ofSeconds(10), Duration.ofMinutes(1));

    private final AnswerPolicy policy =
            new AnswerPolicy(new RetryPolicy(0, Duration.ofHours(24), RandomGenerator.getDefault()));

    @Test
    void deliveredAnswerDeliversAndCountsTheTry() {
        AdapterDelivery after = policy.apply(pending(), result(AgencyAnswer.DELIVERED, 200), attempt(1), SCHEDULE, NOW);

        assertThat(after.status()).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(after.attempts()).isEqualTo(1);
        assertThat(after.revision()).isEqualTo(1);
    }

    @Test
    void rejectionKeepsTheReasonAndIsFinal() {
        AdapterDelivery after = policy.apply(pending(), result(AgencyAnswer.REJECTED, 422), attempt(1), SCHEDULE, NOW);

        assertThat(after.status()).isEqualTo(DeliveryStatus.REJECTED);
        assertThat(after.reason()).contains("HTTP 422");
        assertThatThrownBy(() -> after.retrying(attempt(2), NOW, "again"))
                .isInstanceOf(IllegalDeliveryTransition.class)
                .hasMessageContaining("REJECTED")
                .hasMessageContaining("RETRYING");
    }

    @Test
    void transientFailureSchedulesTheNextTry() {
        AdapterDelivery after =
                policy.apply(pending(), result(AgencyAnswer.TRANSIENT_FAILURE, 503), attempt(1), SCHEDULE, NOW);

        assertThat(after.status()).isEqualTo(DeliveryStatus.RETRYING);
        assertThat(after.nextAttemptAt()).isEqualTo(NOW.plusSeconds(10));
        DeliveryReported report = after.report(NOW, attempt(1));
        assertThat(report.nextAttemptAt()).isEqualTo(NOW.plusSeconds(10));
        assertThat(report.revision()).isEqualTo(1);
    }

    @Test
    void parksDeliveryAfterLastRetry() {
        AdapterDelivery third = new AdapterDelivery(
                UUID.randomUUID(),
                "NTA",
                "ref",
                3,
                ChangeType.ADDRESS_CHANGE,
                "TB-1",
                DeliveryStatus.RETRYING,
                2,
                2,
                null,
                NOW,
                0);

        AdapterDelivery after = policy.apply(third, result(AgencyAnswer.UNEXPECTED, 302), attempt(3), SCHEDULE, NOW);

        assertThat(after.status()).isEqualTo(DeliveryStatus.PARKED);
        assertThat(after.reason()).startsWith(AnswerPolicy.RETRIES_EXHAUSTED);
        assertThat(after.attempts()).isEqualTo(3);
        assertThat(after.revision()).isEqualTo(3);
    }

    @Test
    void operatorRetryGivesAParkedDeliveryAFreshRetryBudget() {
        AdapterDelivery parked = new AdapterDelivery(
                UUID.randomUUID(),
                "NTA",
                "ref",
                3,
                ChangeType.ADDRESS_CHANGE,
                "TB-1",
                DeliveryStatus.PARKED,
                3,
                3,
                AnswerPolicy.RETRIES_EXHAUSTED,
                NOW,
                0);

        AdapterDelivery retried = parked.pendingAgain("retried by operator", NOW);
        AdapterDelivery after = policy.apply(retried, result(AgencyAnswer.UNEXPECTED, 503), attempt(4), SCHEDULE, NOW);

        assertThat(retried.status()).isEqualTo(DeliveryStatus.PENDING);
        assertThat(retried.attemptsInBudget()).isZero();
        assertThat(after.status()).isEqualTo(DeliveryStatus.RETRYING);
        assertThat(after.attempts()).isEqualTo(4);
        assertThat(after.nextAttemptAt()).isEqualTo(NOW.plusSeconds(10));
    }

    @Test
    void goneAgencyParksWithTheDisabledReason() {
        AdapterDelivery after =
                policy.apply(pending(), result(AgencyAnswer.AGENCY_DISABLED, 410), attempt(1), SCHEDULE, NOW);

        assertThat(after.status()).isEqualTo(DeliveryStatus.PARKED);
        assertThat(after.reason()).isEqualTo(AnswerPolicy.AGENCY_DISABLED);
    }

    @Test
    void timeoutWithoutStatusIsDescribedByItsError() {
        AttemptResult timeout =
                new AttemptResult(AgencyAnswer.TRANSIENT_FAILURE, NOW, 10_000, null, null, "timed out", null);

        assertThat(policy.apply(pending(), timeout, attempt(1), SCHEDULE, NOW).reason())
                .isEqualTo("timed out");
    }

    static AdapterDelivery pending() {
        return AdapterDelivery.received(UUID.randomUUID(), "NTA", "ref", 3, ChangeType.ADDRESS_CHANGE, "TB-1", NOW);
    }

    static AttemptResult result(AgencyAnswer answer, int status) {
        return new AttemptResult(answer, NOW, 12, status, "body", null, null);
    }

    static AttemptRecord attempt(int number) {
        return new AttemptRecord(number, NOW, 12, 200, "body", null);
    }
}
