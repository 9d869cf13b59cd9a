package tw.tongbao.adapters.registry;

/** Thrown at start-up when {@code tongbao.agencies} cannot be read into a valid registry. */
public final class InvalidAgencyRegistry extends IllegalStateException {

    InvalidAgencyRegistry(String problem, Throwable cause) {
        super("the agency registry is invalid: " + problem, cause);
    }
}
