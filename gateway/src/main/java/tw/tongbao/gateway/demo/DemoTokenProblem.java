package tw.tongbao.gateway.demo;

/**
 * One field of a token request the demo issuer refuses, shaped like the API's other validation errors.
 *
 * @param field the request field
 * @param message what is wrong with it
 */
record DemoTokenProblem(String field, String message) {}
