package tw.tongbao.gateway.outbox;

import org.springframework.context.ApplicationContext;

/**
 * Stops and starts the outbox relay of a test's context, for tests outside this package that read the outbox rows a
 * filing wrote: the relay deletes each row once it published it.
 */
public final class OutboxRelaySwitch {

    private OutboxRelaySwitch() {}

    /** Rows written from now on stay in the outbox until {@link #start}. */
    public static void stop(ApplicationContext context) {
        context.getBean(OutboxRelay.class).stop();
    }

    /** Publishes what waits at once, and what is filed from now on, as the context's relay does. */
    public static void start(ApplicationContext context) {
        context.getBean(OutboxRelay.class).start();
    }
}
