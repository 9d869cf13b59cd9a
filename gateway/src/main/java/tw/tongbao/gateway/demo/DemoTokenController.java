package tw.tongbao.gateway.demo;

import java.util.List;
import java.util.Map;
import org.springframework.context.annotation.Profile;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The demo issuer's endpoints: a token for whoever asks, and the JWK set that verifies it (demo profile only). */
@Profile(DemoConfiguration.PROFILE)
@RestController
@RequestMapping("/demo")
class DemoTokenController {

    private final DemoIssuer issuer;

    DemoTokenController(DemoIssuer issuer) {
        this.issuer = issuer;
    }

    @GetMapping(path = "/jwks.json", produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> jwks() {
        return issuer.jwkSet();
    }

    @PostMapping(path = "/token", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    DemoToken tokenForForm(
            @RequestParam(required = false) String sub,
            @RequestParam(required = false) String name,
            @RequestParam(required = false) List<String> roles) {
        return mint(sub, name, roles);
    }

    @PostMapping(path = "/token", consumes = MediaType.APPLICATION_JSON_VALUE)
    DemoToken tokenForJson(@RequestBody DemoTokenRequest request) {
        return mint(request.sub(), request.name(), request.roles());
    }

    private DemoToken mint(String sub, String name, List<String> roles) {
        return issuer.mint(sub, name, roles);
    }

    @ExceptionHandler(InvalidDemoTokenRequest.class)
    ResponseEntity<ProblemDetail> invalid(InvalidDemoTokenRequest e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNPROCESSABLE_CONTENT, e.getMessage());
        problem.setTitle("Invalid token request");
        problem.setProperty("errors", e.problems());
        return ResponseEntity.unprocessableContent().body(problem);
    }
}
