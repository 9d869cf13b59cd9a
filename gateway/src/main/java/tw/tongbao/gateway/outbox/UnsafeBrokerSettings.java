package tw.tongbao.gateway.outbox;

/** Thrown at start-up when the broker settings would let the relay lose a change silently. */
public final class UnsafeBrokerSettings extends IllegalStateException {

    UnsafeBrokerSettings(String problem) {
        super(problem);
    }
}
