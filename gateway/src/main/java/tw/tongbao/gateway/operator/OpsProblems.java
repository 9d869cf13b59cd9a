package tw.tongbao.gateway.operator;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * The operator API's errors as problem details (RFC 9457). Ordered before Spring Boot's own problem handler
 * ({@code spring.mvc.problemdetails}), which handles an unreadable body and a malformed path variable too and, asked
 * first, would answer them with its generic details.
 */
@RestControllerAdvice(basePackageClasses = OpsProblems.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class OpsProblems {

    @ExceptionHandler(InvalidOpsRequest.class)
    ProblemDetail invalid(InvalidOpsRequest e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNPROCESSABLE_CONTENT, e.getMessage());
        problem.setTitle("Invalid operator request");
        problem.setProperty("errors", List.of(Map.of("field", e.field(), "message", e.getMessage())));
        return problem;
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ProblemDetail unreadable(HttpMessageNotReadableException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "the body is not valid JSON");
        problem.setTitle("Malformed request");
        return problem;
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ProblemDetail mismatch(MethodArgumentTypeMismatchException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                HttpStatus.BAD_REQUEST, e.getName() + " is malformed: " + e.getValue());
        problem.setTitle("Malformed request");
        return problem;
    }

    @ExceptionHandler(DeliveryNotFound.class)
    ProblemDetail noDelivery(DeliveryNotFound e) {
        return titled(HttpStatus.NOT_FOUND, "Delivery not found", e);
    }

    @ExceptionHandler(AgencyNotFound.class)
    ProblemDetail noAgency(AgencyNotFound e) {
        return titled(HttpStatus.NOT_FOUND, "Agency not found", e);
    }

    @ExceptionHandler(DeliveryNotActionable.class)
    ProblemDetail notActionable(DeliveryNotActionable e) {
        return titled(HttpStatus.CONFLICT, "Delivery not in a state for this action", e);
    }

    @ExceptionHandler(CommandNotConfirmed.class)
    ProblemDetail notConfirmed(CommandNotConfirmed e) {
        ProblemDetail problem = titled(HttpStatus.SERVICE_UNAVAILABLE, "Command not confirmed by the broker", e);
        problem.setType(URI.create("urn:tongbao:problem:command-not-confirmed"));
        problem.setProperty("auditId", e.outcome().auditId());
        problem.setProperty("unconfirmed", e.outcome().unconfirmed());
        problem.setProperty("commands", e.outcome().commands());
        return problem;
    }

    private static ProblemDetail titled(HttpStatus status, String title, RuntimeException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, e.getMessage());
        problem.setTitle(title);
        return problem;
    }
}
