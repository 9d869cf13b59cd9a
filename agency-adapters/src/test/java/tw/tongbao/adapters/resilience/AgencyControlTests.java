package tw.tongbao.adapters.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.agency.AgencyCode;
import tw.tongbao.core.agency.AgencyRegistry;
import tw.tongbao.core.agency.Basis;
import tw.tongbao.core.agency.Protocol;
import tw.tongbao.core.change.ChangeType;

class AgencyControlTests {

    private final InMemoryStates states = new InMemoryStates();
    private final AgencyControl control = new AgencyControl(
            states,
            new AgencyRegistry(List.of(agency("NTA"), agency("TPC"))),
            Clock.fixed(Instant.parse("2026-11-26T09:00:00Z"), ZoneOffset.UTC));

    @Test
    void agencyNeverTouchedIsActive() {
        assertThat(control.isActive("NTA")).isTrue();
    }

    @Test
    void pausedAgencyIsNotActiveUntilResumed() {
        control.pause("NTA", "maintenance window");

        assertThat(control.isActive("NTA")).isFalse();
        assertThat(control.state("NTA").reason()).isEqualTo("maintenance window");
        assertThat(control.isActive("TPC")).isTrue();

        control.resume("NTA");
        assertThat(control.isActive("NTA")).isTrue();
    }

    @Test
    void disabledAgencyStaysDisabledThroughResumeUntilEnabled() {
        control.disable("NTA", "agency disabled (410)");
        control.resume("NTA");

        assertThat(control.isActive("NTA")).isFalse();
        assertThat(control.state("NTA").disabled()).isTrue();

        control.enable("NTA");
        assertThat(control.isActive("NTA")).isTrue();
    }

    @Test
    void enablingKeepsAPause() {
        control.pause("NTA", "operator");
        control.disable("NTA", "agency disabled (410)");
        control.enable("NTA");

        assertThat(control.state("NTA").paused()).isTrue();
        assertThat(control.isActive("NTA")).isFalse();
    }

    @Test
    void unknownAgencyIsRefused() {
        assertThatThrownBy(() -> control.pause("XYZ", "why")).isInstanceOf(AgencyRegistry.UnknownAgency.class);
    }

    private static Agency agency(String code) {
        return new Agency(
                new AgencyCode(code),
                Map.of("en", code),
                Protocol.REST_JSON,
                URI.create("http://localhost:1/" + code),
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                null,
                Basis.LAW,
                "law",
                Set.of(ChangeType.ADDRESS_CHANGE),
                Set.of("address"),
                0,
                0,
                null,
                null,
                null,
                0,
                null);
    }

    private static final class InMemoryStates implements AgencyStates {
        private final Map<String, AgencyState> rows = new HashMap<>();

        @Override
        public Optional<AgencyState> find(String agency) {
            return Optional.ofNullable(rows.get(agency));
        }

        @Override
        public void save(AgencyState state) {
            rows.put(state.agency(), state);
        }
    }
}
