package tw.tongbao.gateway.security;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Answers a valid token that names no filer (e.g. a staff {@code sub} on a citizen endpoint) with {@code 401}. */
@RestControllerAdvice
class SecurityProblems {

    @ExceptionHandler(FilerNotAuthenticated.class)
    ResponseEntity<ProblemDetail> notAuthenticated(FilerNotAuthenticated e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNAUTHORIZED, e.getMessage());
        problem.setTitle("Not authenticated");
        return ResponseEntity.status(HttpStatus.UNAUTHORIZED)
                .header(
                        HttpHeaders.WWW_AUTHENTICATE,
                        "Bearer error=\"invalid_token\", error_description=\"" + e.getMessage() + "\"")
                .body(problem);
    }
}
