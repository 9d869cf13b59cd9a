package tw.tongbao.gateway.apidocs;

/** Names shared by the controllers' OpenAPI annotations. */
public final class ApiDocs {

    /** The security scheme of the sign-in service's bearer tokens. */
    public static final String BEARER_JWT = "bearer-jwt";

    /** RFC 9457 problem details. */
    public static final String PROBLEM_JSON = "application/problem+json";

    private ApiDocs() {}
}
