package tw.tongbao.gateway.apidocs;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/**
 * The shape of every error answer (RFC 9457), for the OpenAPI document only; the controllers answer Spring's
 * {@code ProblemDetail}.
 *
 * @param type a URI naming the kind of problem, {@code about:blank} when the status says it all
 * @param title a short summary
 * @param status the HTTP status
 * @param detail what went wrong with this request
 * @param instance the request path
 * @param errors for validation failures, one entry per offending field
 */
@Schema(name = "Problem", description = "RFC 9457 problem details (application/problem+json)")
public record Problem(
        @Schema(example = "about:blank") String type,
        @Schema(example = "Invalid change") String title,
        @Schema(example = "422") int status,

        @Schema(example = "the change request has 1 problem")
        String detail,

        @Schema(example = "/api/v1/changes") String instance,

        @Schema(description = "Present on validation failures (422)")
        List<FieldError> errors) {

    /**
     * One offending field.
     *
     * @param field the JSON path of the field, e.g. {@code data.address.postalCode}
     * @param message what is wrong with it
     */
    @Schema(name = "FieldError")
    public record FieldError(
            @Schema(example = "data.address.postalCode") String field,
            @Schema(example = "must be 3, 5 or 6 digits") String message) {}
}
