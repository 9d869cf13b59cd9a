package tw.tongbao.gateway.acknowledgement;

/**
 * An answer as sent, byte for byte the same on a replay.
 *
 * @param status the HTTP status
 * @param body the JSON body
 * @param retryLater whether the agency should acknowledge again later (not kept)
 */
record StoredAnswer(int status, String body, boolean retryLater) {

    StoredAnswer(int status, String body) {
        this(status, body, false);
    }

    /** The same answer, marked as one to send again later. */
    StoredAnswer askingToRetryLater() {
        return new StoredAnswer(status, body, true);
    }

    boolean isProblem() {
        return status >= 400;
    }
}
