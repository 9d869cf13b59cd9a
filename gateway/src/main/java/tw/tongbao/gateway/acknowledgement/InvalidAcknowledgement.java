package tw.tongbao.gateway.acknowledgement;

import java.util.List;

/** Thrown when an acknowledgement's body is JSON but its fields do not hold. */
final class InvalidAcknowledgement extends RuntimeException {

    private final List<FieldError> errors;

    InvalidAcknowledgement(List<FieldError> errors) {
        super("the acknowledgement has " + errors.size() + " invalid field(s)");
        this.errors = List.copyOf(errors);
    }

    List<FieldError> errors() {
        return errors;
    }
}
