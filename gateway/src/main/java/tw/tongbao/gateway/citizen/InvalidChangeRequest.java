package tw.tongbao.gateway.citizen;

import java.util.List;

/** Thrown when a well-formed body breaks the contract's rules; answered with {@code 422} and every problem. */
final class InvalidChangeRequest extends RuntimeException {

    private final List<FieldProblem> problems;

    InvalidChangeRequest(List<FieldProblem> problems) {
        super("the change request is invalid: " + problems.size() + " problem(s)");
        this.problems = List.copyOf(problems);
    }

    List<FieldProblem> problems() {
        return problems;
    }
}
