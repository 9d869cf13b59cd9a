package tw.tongbao.adapters.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tw.tongbao.core.change.ChangeType;
import tw.tongbao.core.delivery.DeliveryStatus;
import tw.tongbao.core.delivery.IllegalDeliveryTransition;

class AdapterDeliveryTests {

    private static final Instant NOW = Instant.parse("2026-11-26T09:00:00Z");

    @Test
    void olderOpenDeliveryOfTheSameTypeIsSupersededByANewerOne() {
        AdapterDelivery older = delivery("NTA", "ref-1", 3, ChangeType.ADDRESS_CHANGE);
        AdapterDelivery newer = delivery("NTA", "ref-1", 4, ChangeType.ADDRESS_CHANGE);

        assertThat(older.isSupersededBy(newer)).isTrue();
        assertThat(newer.isSupersededBy(older)).isFalse();
        AdapterDelivery superseded = older.superseded(newer);
        assertThat(superseded.status()).isEqualTo(DeliveryStatus.SUPERSEDED);
        assertThat(superseded.reason()).contains("sequence 4");
        assertThat(superseded.revision()).isEqualTo(1);
    }

    @Test
    void otherTypesSubjectsAndAgenciesDoNotSupersede() {
        AdapterDelivery older = delivery("NTA", "ref-1", 3, ChangeType.ADDRESS_CHANGE);

        assertThat(older.isSupersededBy(delivery("NTA", "ref-1", 4, ChangeType.NAME_CHANGE)))
                .isFalse();
        assertThat(older.isSupersededBy(delivery("NTA", "ref-2", 4, ChangeType.ADDRESS_CHANGE)))
                .isFalse();
        assertThat(older.isSupersededBy(delivery("NHIA", "ref-1", 4, ChangeType.ADDRESS_CHANGE)))
                .isFalse();
    }

    @Test
    void settledDeliveriesAreNeverSuperseded() {
        AdapterDelivery delivered =
                delivery("NTA", "ref-1", 3, ChangeType.ADDRESS_CHANGE).delivered(AnswerPolicyTests.attempt(1));
        AdapterDelivery newer = delivery("NTA", "ref-1", 4, ChangeType.ADDRESS_CHANGE);

        assertThat(delivered.isSupersededBy(newer)).isFalse();
        assertThatThrownBy(() -> delivered.superseded(newer)).isInstanceOf(IllegalDeliveryTransition.class);
    }

    @Test
    void eachMoveRaisesTheRevisionByOne() {
        AdapterDelivery retrying = delivery("NTA", "ref-1", 3, ChangeType.ADDRESS_CHANGE)
                .retrying(AnswerPolicyTests.attempt(1), NOW.plusSeconds(10), "HTTP 503");
        AdapterDelivery parked = retrying.parked(null, "operator");

        assertThat(retrying.revision()).isEqualTo(1);
        assertThat(parked.revision()).isEqualTo(2);
        assertThat(parked.attempts()).isEqualTo(1);
    }

    private static AdapterDelivery delivery(String agency, String ref, long sequence, ChangeType type) {
        return AdapterDelivery.received(UUID.randomUUID(), agency, ref, sequence, type, "TB-" + sequence, NOW);
    }
}
