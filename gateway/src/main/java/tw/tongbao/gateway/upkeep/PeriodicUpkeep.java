package tw.tongbao.gateway.upkeep;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Upkeep the gateway does in the background every {@code interval} on a daemon thread of its own, from start to stop:
 * a round that fails (the database away, say) is logged at debug level and the next round tries again. An interval of
 * zero or less runs no rounds; tests call the work directly.
 */
public abstract class PeriodicUpkeep implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PeriodicUpkeep.class);

    private final String name;
    private final Duration interval;
    private volatile ScheduledExecutorService executor;

    /** @param name names the thread and the log line of a failed round */
    protected PeriodicUpkeep(String name, Duration interval) {
        this.name = name;
        this.interval = interval;
    }

    /** One round of the upkeep. */
    protected abstract void round();

    private void roundQuietly() {
        try {
            round();
        } catch (RuntimeException e) {
            log.debug("{} not done this round, trying again in {}: {}", name, interval, e.toString());
        }
    }

    @Override
    public void start() {
        if (interval.isZero() || interval.isNegative()) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, name);
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(
                this::roundQuietly, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        ScheduledExecutorService running = executor;
        if (running != null) {
            running.shutdownNow();
            executor = null;
        }
    }

    @Override
    public boolean isRunning() {
        return executor != null;
    }
}
