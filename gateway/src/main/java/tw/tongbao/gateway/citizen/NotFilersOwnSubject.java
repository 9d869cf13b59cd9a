package tw.tongbao.gateway.citizen;

/** Thrown when a filer files for someone else's record (only a death report may); answered with {@code 403}. */
final class NotFilersOwnSubject extends RuntimeException {

    NotFilersOwnSubject() {
        super("only a death report may be filed about someone other than the filer");
    }
}
