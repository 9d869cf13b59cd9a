package tw.tongbao.gateway.acknowledgement;

/**
 * One problem with one field of an acknowledgement's body.
 *
 * @param field the JSON property, e.g. {@code deliveryId}
 * @param message what is wrong with it
 */
record FieldError(String field, String message) {}
