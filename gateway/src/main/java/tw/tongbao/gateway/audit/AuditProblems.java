package tw.tongbao.gateway.audit;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** The audit endpoints' errors as problem details. */
@RestControllerAdvice(basePackageClasses = AuditController.class)
class AuditProblems {

    @ExceptionHandler(InvalidAuditPage.class)
    ProblemDetail invalidPage(InvalidAuditPage e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
        problem.setTitle("Invalid page request");
        return problem;
    }
}
