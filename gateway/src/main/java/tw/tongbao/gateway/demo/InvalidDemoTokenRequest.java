package tw.tongbao.gateway.demo;

import java.util.List;

/** Thrown when a token request names no valid filer or an unknown role. */
final class InvalidDemoTokenRequest extends RuntimeException {

    private final List<DemoTokenProblem> problems;

    InvalidDemoTokenRequest(List<DemoTokenProblem> problems) {
        super("the token request is invalid");
        this.problems = List.copyOf(problems);
    }

    List<DemoTokenProblem> problems() {
        return problems;
    }
}
