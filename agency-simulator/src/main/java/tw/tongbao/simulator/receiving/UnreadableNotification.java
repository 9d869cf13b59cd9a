package tw.tongbao.simulator.receiving;

/** Thrown when a correctly signed body is not the notification the agency's protocol promises. */
final class UnreadableNotification extends Exception {

    UnreadableNotification(String reason) {
        super(reason);
    }
}
