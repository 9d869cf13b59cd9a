package tw.tongbao.adapters.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tw.tongbao.adapters.AdaptersProperties;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.agency.AgencyCode;
import tw.tongbao.core.agency.AgencyRegistry;
import tw.tongbao.core.agency.Basis;
import tw.tongbao.core.agency.Protocol;
import tw.tongbao.core.change.ChangeType;

class AgencyControlTests {

    private final InMemoryAgencyStates states = new InMemoryAgencyStates();
    private final AgencyControl control = new AgencyControl(
            states,
            new AgencyRegistry(List.of(agency("NTA"), agency("TPC"))),
            Clock.fixed(Instant.parse("2026-11-26T09:00:00Z"), ZoneOffset.UTC),
            AdaptersProperties.defaults());

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
    void aStateIsReadFromTheStoreAtMostOncePerTtl() {
        CachingFixture cached = new CachingFixture();

        cached.control.isActive("NTA");
        cached.control.isActive("NTA");
        cached.control.state("NTA");
        assertThat(cached.states.reads).isEqualTo(1);

        cached.elapse(Duration.ofMillis(1001));
        cached.control.isActive("NTA");
        assertThat(cached.states.reads).isEqualTo(2);
    }

    @Test
    void aPauseAppliedByAnotherInstanceIsSeenHereWithinTheTtl() {
        CachingFixture cached = new CachingFixture();
        assertThat(cached.control.isActive("NTA")).isTrue();

        cached.states.save(AgencyState.active("NTA", Instant.now()).withPaused(true, "elsewhere", Instant.now()));
        cached.states.commit();
        assertThat(cached.control.isActive("NTA"))
                .as("still the state read before")
                .isTrue();

        cached.elapse(Duration.ofSeconds(1));
        assertThat(cached.control.isActive("NTA")).isFalse();
    }

    @Test
    void aChangeMadeHereIsSeenHereAtOnce() {
        CachingFixture cached = new CachingFixture();
        assertThat(cached.control.isActive("NTA")).isTrue();

        cached.control.pause("NTA", "operator");
        cached.states.commit();

        assertThat(cached.control.isActive("NTA")).isFalse();
        cached.control.resume("NTA");
        cached.states.commit();
        assertThat(cached.control.isActive("NTA")).isTrue();
    }

    @Test
    void aStateReadWhileAChangeWasUncommittedIsForgottenWhenTheChangeCommits() {
        CachingFixture cached = new CachingFixture();
        TransactionSynchronizationManager.initSynchronization();
        List<TransactionSynchronization> synchronizations;
        try {
            cached.control.disable("NTA", "agency disabled (410)");
            // Another thread (the dispatcher) reads the state the database still shows, and keeps it.
            assertThat(cached.control.isActive("NTA")).isTrue();
            cached.states.commit();
            synchronizations = TransactionSynchronizationManager.getSynchronizations();
        } finally {
            TransactionSynchronizationManager.clearSynchronization();
        }
        synchronizations.forEach(sync -> sync.afterCompletion(TransactionSynchronization.STATUS_COMMITTED));

        assertThat(cached.control.isActive("NTA")).isFalse();
    }

    @Test
    void aChangeStartsFromTheStoredStateNotTheCachedOne() {
        CachingFixture cached = new CachingFixture();
        assertThat(cached.control.isActive("NTA")).isTrue();
        cached.states.save(AgencyState.active("NTA", Instant.now()).withDisabled(true, "410 elsewhere", Instant.now()));
        cached.states.commit();

        cached.control.pause("NTA", "operator");
        cached.states.commit();

        assertThat(cached.states.find("NTA").orElseThrow())
                .extracting(AgencyState::paused, AgencyState::disabled)
                .containsExactly(true, true);
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

    /** A control with the default 1 s TTL over a store whose saves show only once committed, and a clock to move. */
    private static final class CachingFixture {
        final CommittingStates states = new CommittingStates();
        final AtomicLong nanos = new AtomicLong();
        final AgencyControl control = new AgencyControl(
                states,
                new AgencyRegistry(List.of(agency("NTA"))),
                Clock.systemUTC(),
                AdaptersProperties.defaults().agencyStateTtl(),
                nanos::get);

        void elapse(Duration duration) {
            nanos.addAndGet(duration.toNanos());
        }
    }

    /** Agency states as a database shows them to other transactions: saved ones appear once committed. */
    private static final class CommittingStates implements AgencyStates {
        private final Map<String, AgencyState> committed = new HashMap<>();
        private final Map<String, AgencyState> pending = new HashMap<>();
        int reads;

        @Override
        public Optional<AgencyState> find(String agency) {
            reads++;
            return Optional.ofNullable(committed.get(agency));
        }

        @Override
        public void save(AgencyState state) {
            pending.put(state.agency(), state);
        }

        void commit() {
            committed.putAll(pending);
            pending.clear();
        }
    }
}
