package tw.tongbao.adapters.instance;

import java.net.InetAddress;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tw.tongbao.adapters.AdaptersProperties;

/**
 * This adapter process: a random id per start, and a heartbeat row in {@code adapter_instance} every few seconds, so
 * other instances can tell that the leases it holds are still backed by a live process.
 */
@Component
public class AdapterInstance implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AdapterInstance.class);

    private final UUID id = UUID.randomUUID();
    private final JdbcClient jdbc;
    private final AdaptersProperties properties;
    private volatile ScheduledExecutorService heartbeats;
    private volatile long lastHeartbeatNanos = Long.MIN_VALUE;
    private volatile boolean failing;

    public AdapterInstance(JdbcClient jdbc, AdaptersProperties properties) {
        this.jdbc = jdbc;
        this.properties = properties;
    }

    /** The id this process claims deliveries under. */
    public UUID id() {
        return id;
    }

    /**
     * Whether this instance may claim deliveries: its last heartbeat is recent enough that no other instance takes
     * over its leases while its tries are under way (half the stale limit).
     */
    public boolean mayClaim() {
        long last = lastHeartbeatNanos;
        return last != Long.MIN_VALUE
                && System.nanoTime() - last < properties.instanceStaleAfter().toNanos() / 2;
    }

    void heartbeat() {
        try {
            long before = System.nanoTime();
            jdbc.sql("INSERT INTO adapter_instance (instance_id, host, started_at, heartbeat_at)"
                            + " VALUES (:id, :host, clock_timestamp(), clock_timestamp())"
                            + " ON CONFLICT (instance_id) DO UPDATE SET heartbeat_at = clock_timestamp()")
                    .param("id", id)
                    .param("host", host())
                    .update();
            lastHeartbeatNanos = before;
            if (failing) {
                failing = false;
                log.info("adapter instance {} heartbeats again", id);
            }
        } catch (RuntimeException e) {
            if (!failing) {
                failing = true;
                log.warn("adapter instance {} cannot record its heartbeat, will keep trying: {}", id, e.toString());
            }
            return;
        }
        try {
            giveBackHeadsOfLostInstances();
        } catch (RuntimeException e) {
            // Tried again with the next heartbeat; until then such deliveries wait, at most until their leases end.
            log.debug("could not give back the heads of lost adapter instances: {}", e.toString());
        }
    }

    /**
     * A claim moves the heads it leases out of the due range until the lease ends (V13), so the heads leased by an
     * instance that stopped heartbeating (crashed, or cut off from the database longer than the stale limit) would wait
     * for their whole lease; this gives them their deliveries' due times back, and the claim takes them over. The rows
     * are taken in lock order, passing over any another transaction holds (the next heartbeat finds them).
     */
    private void giveBackHeadsOfLostInstances() {
        int given = jdbc.sql("WITH lost AS (SELECT h.agency, h.subject_ref FROM adapter_head h"
                        + " WHERE h.leased_by IS NOT NULL AND h.leased_by NOT IN (SELECT i.instance_id"
                        + " FROM adapter_instance i WHERE i.heartbeat_at >= clock_timestamp() - make_interval(secs => :stale))"
                        + " ORDER BY h.agency, h.subject_ref FOR UPDATE SKIP LOCKED)"
                        + " UPDATE adapter_head h SET next_attempt_at = d.next_attempt_at, leased_by = NULL"
                        + " FROM lost, adapter_delivery d WHERE h.agency = lost.agency AND h.subject_ref = lost.subject_ref"
                        + " AND d.delivery_id = h.delivery_id")
                .param("stale", properties.instanceStaleAfter().toMillis() / 1000.0)
                .update();
        if (given > 0) {
            log.info(
                    "{} deliveries leased by adapter instances gone or no longer heartbeating may be claimed again",
                    given);
        }
    }

    @Override
    public void start() {
        heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "instance-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
        heartbeat();
        forgetLongDead();
        long interval = properties.heartbeatInterval().toMillis();
        heartbeats.scheduleWithFixedDelay(this::heartbeat, interval, interval, TimeUnit.MILLISECONDS);
        log.info("adapter instance {} started on {}", id, host());
    }

    @Override
    public void stop() {
        ScheduledExecutorService running = heartbeats;
        heartbeats = null;
        if (running != null) {
            running.shutdownNow();
        }
        try {
            // Leases of an instance without a row are free at once, and its heads are then given back like those of
            // any instance gone (one another transaction holds right now is left to the next heartbeat of another
            // instance): a clean stop leaves nothing to wait out.
            jdbc.sql("DELETE FROM adapter_instance WHERE instance_id = :id")
                    .param("id", id)
                    .update();
            giveBackHeadsOfLostInstances();
            log.info("adapter instance {} stopped", id);
        } catch (RuntimeException e) {
            log.warn(
                    "adapter instance {} could not remove its heartbeat row or give back its heads: {}",
                    id,
                    e.toString());
        }
    }

    private void forgetLongDead() {
        try {
            jdbc.sql("DELETE FROM adapter_instance WHERE heartbeat_at < clock_timestamp() - interval '1 day'")
                    .update();
        } catch (RuntimeException e) {
            log.debug("could not remove old adapter_instance rows: {}", e.toString());
        }
    }

    @Override
    public boolean isRunning() {
        return heartbeats != null;
    }

    // Starts before the dispatchers claim anything and stops after they have stopped.
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 200;
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
