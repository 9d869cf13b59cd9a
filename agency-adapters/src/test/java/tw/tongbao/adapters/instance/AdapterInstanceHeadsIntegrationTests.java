package tw.tongbao.adapters.instance;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tw.tongbao.adapters.AdaptersProperties;
import tw.tongbao.adapters.transport.AdapterDelivery;
import tw.tongbao.adapters.transport.DeliveryClaims;
import tw.tongbao.adapters.transport.EngineDatabase;
import tw.tongbao.core.change.ChangeType;

/**
 * A claim takes the heads it leases out of the due range until the lease ends (V13); the instances give back the
 * heads of an instance that is gone, so what it held is claimed again without waiting out the lease.
 */
class AdapterInstanceHeadsIntegrationTests {

    private static final String AGENCY = EngineDatabase.AGENCY.code().value();

    @RegisterExtension
    static final EngineDatabase db = EngineDatabase.emptiedBeforeEach("instance");

    /** The end of every lease taken here. */
    private final Instant lease = Instant.now().plusSeconds(600).truncatedTo(ChronoUnit.MILLIS);

    @Test
    void aCleanStopMakesItsLeasedHeadsDueAtOnce() {
        AdapterInstance leaving = new AdapterInstance(db.jdbc, AdaptersProperties.defaults());
        leaving.start();
        AdapterDelivery delivery = db.arrive("leaving", 1, ChangeType.ADDRESS_CHANGE);
        UUID other = liveInstance();
        assertThat(claim(leaving.id())).containsExactly(delivery.deliveryId());
        assertThat(claim(other)).as("in flight, and its head says so").isEmpty();
        assertThat(head(delivery)).isEqualTo(new Head(lease, leaving.id()));

        leaving.stop();

        assertThat(head(delivery)).isEqualTo(new Head(dueTimeOf(delivery), null));
        assertThat(claim(other)).containsExactly(delivery.deliveryId());
    }

    @Test
    void theHeadsOfAnInstanceThatStoppedHeartbeatingAreGivenBackOnTheNextHeartbeat() {
        AdapterInstance live = new AdapterInstance(db.jdbc, AdaptersProperties.defaults());
        UUID crashed = instanceWithHeartbeat("- interval '1 minute'");
        UUID busy = instanceWithHeartbeat("+ interval '1 hour'");
        AdapterDelivery orphaned = db.arrive("orphaned", 1, ChangeType.ADDRESS_CHANGE);
        assertThat(claim(crashed)).containsExactly(orphaned.deliveryId());
        AdapterDelivery held = db.arrive("held", 1, ChangeType.ADDRESS_CHANGE);
        assertThat(claim(busy)).containsExactly(held.deliveryId());
        assertThat(claim(live.id())).as("both heads are out of the due range").isEmpty();

        live.heartbeat();

        assertThat(head(orphaned)).isEqualTo(new Head(dueTimeOf(orphaned), null));
        assertThat(head(held)).as("its holder heartbeats").isEqualTo(new Head(lease, busy));
        List<DeliveryClaims.Claim> taken = db.claims.claim(AGENCY, 16, Instant.now(), lease, live.id());
        assertThat(taken).singleElement().satisfies(claim -> {
            assertThat(claim.delivery().deliveryId()).isEqualTo(orphaned.deliveryId());
            assertThat(claim.takenOverFrom()).isEqualTo(crashed);
        });
    }

    private List<UUID> claim(UUID instance) {
        return db.claims.claim(AGENCY, 16, Instant.now(), lease, instance).stream()
                .map(claim -> claim.delivery().deliveryId())
                .toList();
    }

    private UUID liveInstance() {
        return instanceWithHeartbeat("+ interval '1 hour'");
    }

    private UUID instanceWithHeartbeat(String offset) {
        UUID id = UUID.randomUUID();
        db.jdbc
                .sql("INSERT INTO adapter_instance (instance_id, host, started_at, heartbeat_at)"
                        + " VALUES (:id, 'elsewhere', now() - interval '1 hour', now() " + offset + ")")
                .param("id", id)
                .update();
        return id;
    }

    /** The delivery's due time as stored (to the microsecond). */
    private Instant dueTimeOf(AdapterDelivery delivery) {
        return db.jdbc
                .sql("SELECT next_attempt_at FROM adapter_delivery WHERE delivery_id = :id")
                .param("id", delivery.deliveryId())
                .query(Timestamp.class)
                .single()
                .toInstant();
    }

    private Head head(AdapterDelivery delivery) {
        return db.jdbc
                .sql("SELECT next_attempt_at, leased_by FROM adapter_head WHERE agency = :agency"
                        + " AND subject_ref = :subject")
                .param("agency", delivery.agency())
                .param("subject", delivery.subjectRef())
                .query((rs, n) ->
                        new Head(rs.getTimestamp("next_attempt_at").toInstant(), rs.getObject("leased_by", UUID.class)))
                .single();
    }

    private record Head(Instant claimableAt, UUID leasedBy) {}
}
