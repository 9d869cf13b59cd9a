package tw.tongbao.gateway.audit;

/** A page of the audit log was asked for with a negative page or a size outside 1–500. */
class InvalidAuditPage extends RuntimeException {

    InvalidAuditPage(int page, int size) {
        super("page must be 0 or more and size 1 to 500 (was page " + page + ", size " + size + ")");
    }
}
