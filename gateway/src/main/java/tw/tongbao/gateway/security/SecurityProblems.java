package tw.tongbao.gateway.security;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Answers a request without a usable filer identity with {@code 401}. */
@RestControllerAdvice
class SecurityProblems {

    @ExceptionHandler(FilerNotAuthenticated.class)
    ResponseEntity<ProblemDetail> notAuthenticated(FilerNotAuthenticated e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNAUTHORIZED, e.getMessage());
        problem.setTitle("Not authenticated");
        return ResponseEntity.status(HttpStatus.UNAUTHORIZED).body(problem);
    }
}
