package tw.tongbao.adapters.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.agency.AgencyCode;
import tw.tongbao.core.agency.Basis;
import tw.tongbao.core.agency.Protocol;
import tw.tongbao.core.change.ChangeType;

class AgencyGuardTests {

    private final ResilienceProperties breaker = new ResilienceProperties(4, 4, 50f, Duration.ofMinutes(1), 1, null);

    @Test
    void bulkheadBoundsCallsInFlight() {
        AgencyGuard guard = new AgencyGuard(agency(2), breaker);

        AgencyGuard.Permit first = guard.tryEnter().orElseThrow();
        guard.tryEnter().orElseThrow();

        assertThat(guard.freeCallSlots()).isZero();
        assertThat(guard.tryEnter()).isEmpty();
        first.succeeded(10);
        assertThat(guard.freeCallSlots()).isEqualTo(1);
    }

    @Test
    void circuitOpensAfterRepeatedFailuresAndRefusesCalls() {
        AgencyGuard guard = new AgencyGuard(agency(8), breaker);

        for (int i = 0; i < 4; i++) {
            guard.tryEnter().orElseThrow().failed(10, "HTTP 503");
        }

        assertThat(guard.isCircuitOpen()).isTrue();
        assertThat(guard.tryEnter()).isEmpty();
        assertThat(guard.freeCallSlots()).isEqualTo(8);
    }

    @Test
    void answersThatAreNotFailuresKeepTheCircuitClosed() {
        AgencyGuard guard = new AgencyGuard(agency(8), breaker);

        for (int i = 0; i < 10; i++) {
            guard.tryEnter().orElseThrow().succeeded(10);
        }

        assertThat(guard.isCircuitOpen()).isFalse();
    }

    @Test
    void abandonedPermitGivesItsSlotBackWithoutCounting() {
        AgencyGuard guard = new AgencyGuard(agency(1), breaker);
        List<AgencyGuard.Permit> permits = new ArrayList<>();

        for (int i = 0; i < 10; i++) {
            AgencyGuard.Permit permit = guard.tryEnter().orElseThrow();
            permit.abandon();
            permit.abandon();
            permits.add(permit);
        }

        assertThat(guard.freeCallSlots()).isEqualTo(1);
        assertThat(guard.isCircuitOpen()).isFalse();
    }

    @Test
    void rateLimiterLetsTheFirstCallGoAtOnce() {
        AgencyGuard guard = new AgencyGuard(agency(8), breaker);

        assertThat(guard.reserveRate()).isZero();
    }

    private static Agency agency(int maxConcurrentCalls) {
        return new Agency(
                new AgencyCode("NTA"),
                Map.of(),
                Protocol.REST_JSON,
                URI.create("http://localhost:1/nta"),
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                null,
                Basis.LAW,
                "law",
                Set.of(ChangeType.ADDRESS_CHANGE),
                Set.of("address"),
                5,
                maxConcurrentCalls,
                Duration.ofSeconds(1),
                null,
                null,
                0,
                null);
    }
}
