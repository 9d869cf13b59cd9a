package tw.tongbao.gateway.citizen;

import java.util.ArrayList;
import java.util.List;

/** Collects every problem of one request so the citizen sees them all at once. */
final class FieldProblems {

    private final List<FieldProblem> problems = new ArrayList<>();

    void add(String field, String message) {
        problems.add(new FieldProblem(field, message));
    }

    boolean isEmpty() {
        return problems.isEmpty();
    }

    List<FieldProblem> all() {
        return List.copyOf(problems);
    }

    /** Throws {@link InvalidChangeRequest} when any problem was found. */
    void throwIfAny() {
        if (!problems.isEmpty()) {
            throw new InvalidChangeRequest(all());
        }
    }
}
