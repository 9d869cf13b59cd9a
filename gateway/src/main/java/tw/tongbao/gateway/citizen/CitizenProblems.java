package tw.tongbao.gateway.citizen;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.async.AsyncRequestTimeoutException;

/**
 * Turns the citizen API's failures into RFC 9457 problems ({@code application/problem+json}). Ordered before Spring
 * Boot's own problem handler ({@code spring.mvc.problemdetails}), which would otherwise answer a filing's request
 * timeout with a bare 503, without {@code Retry-After} or the advice to send the filing again.
 */
@RestControllerAdvice(assignableTypes = ChangeController.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class CitizenProblems {

    /** When a refused filing may come back: the queue drains in well under a second at the target rate. */
    private static final String RETRY_AFTER_SECONDS = "1";

    @ExceptionHandler(InvalidChangeRequest.class)
    ResponseEntity<ProblemDetail> invalid(InvalidChangeRequest e) {
        ProblemDetail problem = problem(HttpStatus.UNPROCESSABLE_CONTENT, "Invalid change", e.getMessage());
        problem.setProperty("errors", e.problems());
        return answer(problem);
    }

    @ExceptionHandler(MalformedChangeRequest.class)
    ResponseEntity<ProblemDetail> malformed(MalformedChangeRequest e) {
        return answer(problem(HttpStatus.BAD_REQUEST, "Malformed request", e.getMessage()));
    }

    @ExceptionHandler(InvalidIdempotencyKey.class)
    ResponseEntity<ProblemDetail> badKey(InvalidIdempotencyKey e) {
        return answer(problem(HttpStatus.BAD_REQUEST, "Idempotency-Key required", e.getMessage()));
    }

    @ExceptionHandler(InvalidPageRequest.class)
    ResponseEntity<ProblemDetail> badPage(InvalidPageRequest e) {
        return answer(problem(HttpStatus.BAD_REQUEST, "Invalid page", e.getMessage()));
    }

    @ExceptionHandler(ChangeRequestTooLarge.class)
    ResponseEntity<ProblemDetail> tooLarge(ChangeRequestTooLarge e) {
        return answer(problem(HttpStatus.CONTENT_TOO_LARGE, "Request too large", e.getMessage()));
    }

    @ExceptionHandler(NotFilersOwnSubject.class)
    ResponseEntity<ProblemDetail> forbidden(NotFilersOwnSubject e) {
        return answer(problem(HttpStatus.FORBIDDEN, "Not your record", e.getMessage()));
    }

    @ExceptionHandler(IdempotencyKeyReused.class)
    ResponseEntity<ProblemDetail> conflict(IdempotencyKeyReused e) {
        return answer(problem(HttpStatus.CONFLICT, "Idempotency-Key reused", e.getMessage()));
    }

    @ExceptionHandler(FilingUnavailable.class)
    ResponseEntity<ProblemDetail> unavailable(FilingUnavailable e) {
        return tryAgainShortly(e.getMessage());
    }

    /**
     * A filing that has not committed when the request's wait ends ({@code spring.mvc.async.request-timeout}): it may
     * still commit, and filing it again with the same key answers either way.
     */
    @ExceptionHandler(AsyncRequestTimeoutException.class)
    ResponseEntity<ProblemDetail> notYetCommitted(AsyncRequestTimeoutException e) {
        return tryAgainShortly("the filing did not commit in time; it may still: file it again with the same"
                + " Idempotency-Key, which answers with the change if it was filed and files it if not");
    }

    @ExceptionHandler(ChangeNotFound.class)
    ResponseEntity<ProblemDetail> notFound(ChangeNotFound e) {
        return answer(problem(HttpStatus.NOT_FOUND, "Change not found", "no change with this receipt is yours"));
    }

    private static ResponseEntity<ProblemDetail> tryAgainShortly(String detail) {
        ProblemDetail problem = problem(HttpStatus.SERVICE_UNAVAILABLE, "Try again shortly", detail);
        return ResponseEntity.status(problem.getStatus())
                .header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS)
                .body(problem);
    }

    private static ProblemDetail problem(HttpStatus status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        return problem;
    }

    private static ResponseEntity<ProblemDetail> answer(ProblemDetail problem) {
        return ResponseEntity.status(problem.getStatus()).body(problem);
    }
}
