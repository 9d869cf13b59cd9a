package tw.tongbao.gateway.acknowledgement;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Turns refused acknowledgements into RFC 9457 problems ({@code application/problem+json}). */
@RestControllerAdvice(assignableTypes = AcknowledgementController.class)
class AcknowledgementProblems {

    @ExceptionHandler(AgencyNotAuthenticated.class)
    ResponseEntity<ProblemDetail> notAuthenticated(AgencyNotAuthenticated e) {
        return answer(problem(HttpStatus.UNAUTHORIZED, "Signature not accepted", e.getMessage()));
    }

    @ExceptionHandler(MalformedAcknowledgement.class)
    ResponseEntity<ProblemDetail> malformed(MalformedAcknowledgement e) {
        return answer(problem(HttpStatus.BAD_REQUEST, "Malformed acknowledgement", e.getMessage()));
    }

    @ExceptionHandler(InvalidAcknowledgement.class)
    ResponseEntity<ProblemDetail> invalid(InvalidAcknowledgement e) {
        ProblemDetail problem = problem(HttpStatus.UNPROCESSABLE_CONTENT, "Invalid acknowledgement", e.getMessage());
        problem.setProperty("errors", e.errors());
        return answer(problem);
    }

    @ExceptionHandler(AcknowledgementTooLarge.class)
    ResponseEntity<ProblemDetail> tooLarge(AcknowledgementTooLarge e) {
        return answer(problem(HttpStatus.CONTENT_TOO_LARGE, "Acknowledgement too large", e.getMessage()));
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
