package tw.tongbao.core.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static tw.tongbao.core.delivery.DeliveryStatus.*;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class DeliveryTransitionsTests {

    @ParameterizedTest(name = "{0} -> {1} is legal")
    @CsvSource({
        "PENDING, DELIVERED", "PENDING, RETRYING", "PENDING, REJECTED", "PENDING, PARKED",
        "PENDING, SUPERSEDED", "PENDING, CANCELLED", "RETRYING, RETRYING", "RETRYING, DELIVERED",
        "RETRYING, PARKED", "DELIVERED, APPLIED", "DELIVERED, REJECTED", "DELIVERED, PENDING",
        "PARKED, PENDING", "PARKED, CANCELLED", "REJECTED, PENDING", "APPLIED, PENDING"
    })
    void allowsTheContractsMoves(DeliveryStatus from, DeliveryStatus to) {
        assertThat(DeliveryTransitions.isLegal(from, to)).isTrue();
        DeliveryTransitions.require(from, to);
    }

    @ParameterizedTest(name = "{0} -> {1} is illegal")
    @CsvSource({
        "DELIVERED, RETRYING",
        "DELIVERED, PARKED",
        "DELIVERED, SUPERSEDED",
        "APPLIED, DELIVERED",
        "APPLIED, REJECTED",
        "SUPERSEDED, PENDING",
        "SUPERSEDED, DELIVERED",
        "CANCELLED, PENDING",
        "CANCELLED, DELIVERED",
        "PENDING, APPLIED",
        "PENDING, PENDING",
        "REJECTED, DELIVERED",
        "PARKED, RETRYING"
    })
    void refusesMovesBackwardsOrOutOfTerminalStates(DeliveryStatus from, DeliveryStatus to) {
        assertThat(DeliveryTransitions.isLegal(from, to)).isFalse();
        assertThatThrownBy(() -> DeliveryTransitions.require(from, to))
                .isInstanceOf(IllegalDeliveryTransition.class)
                .hasMessageContaining(from.name())
                .hasMessageContaining(to.name());
    }

    @Test
    void terminalStatesLeadNowhere() {
        assertThat(DeliveryTransitions.from(SUPERSEDED)).isEmpty();
        assertThat(DeliveryTransitions.from(CANCELLED)).isEmpty();
    }

    @Test
    void reachesThroughSeveralMovesButNeverOutOfAnEnd() {
        // A retried parked delivery that is then tried again: PARKED -> PENDING -> RETRYING.
        assertThat(DeliveryTransitions.isLegal(PARKED, RETRYING)).isFalse();
        assertThat(DeliveryTransitions.isReachable(PARKED, RETRYING)).isTrue();
        // A replay that ends where it began: DELIVERED -> PENDING -> DELIVERED.
        assertThat(DeliveryTransitions.isReachable(DELIVERED, DELIVERED)).isTrue();
        assertThat(DeliveryTransitions.isReachable(PENDING, APPLIED)).isTrue();
        for (DeliveryStatus status : DeliveryStatus.values()) {
            assertThat(DeliveryTransitions.isReachable(SUPERSEDED, status)).isFalse();
            assertThat(DeliveryTransitions.isReachable(CANCELLED, status)).isFalse();
        }
    }

    @Test
    void everyStatusHasARowInTheTable() {
        for (DeliveryStatus status : DeliveryStatus.values()) {
            assertThat(DeliveryTransitions.from(status)).isNotNull();
        }
    }

    @ParameterizedTest
    @MethodSource("changes")
    void derivesTheChangeStatusFromItsDeliveries(Set<DeliveryStatus> deliveries, ChangeStatus expected) {
        assertThat(ChangeStatus.of(deliveries)).isEqualTo(expected);
    }

    static List<Arguments> changes() {
        return List.of(
                Arguments.of(EnumSet.of(PENDING, DELIVERED), ChangeStatus.IN_PROGRESS),
                Arguments.of(EnumSet.of(RETRYING, REJECTED), ChangeStatus.IN_PROGRESS),
                Arguments.of(EnumSet.of(DELIVERED, APPLIED, SUPERSEDED), ChangeStatus.COMPLETED),
                Arguments.of(EnumSet.of(DELIVERED, PARKED), ChangeStatus.NEEDS_ATTENTION),
                Arguments.of(EnumSet.of(CANCELLED), ChangeStatus.NEEDS_ATTENTION),
                Arguments.of(EnumSet.of(REJECTED, APPLIED), ChangeStatus.NEEDS_ATTENTION));
    }
}
