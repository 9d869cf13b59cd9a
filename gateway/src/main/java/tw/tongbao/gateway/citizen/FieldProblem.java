package tw.tongbao.gateway.citizen;

/**
 * One reason a request body cannot be accepted, as shown in a problem's {@code errors} array.
 *
 * @param field the JSON path of the field, e.g. {@code data.address.city}
 * @param message what is wrong with it
 */
record FieldProblem(String field, String message) {}
