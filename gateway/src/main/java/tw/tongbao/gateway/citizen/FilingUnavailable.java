package tw.tongbao.gateway.citizen;

/** Thrown when a filing cannot be queued (too many waiting, or the gateway is stopping); answered 503. */
final class FilingUnavailable extends RuntimeException {

    FilingUnavailable(String why) {
        super(why);
    }
}
