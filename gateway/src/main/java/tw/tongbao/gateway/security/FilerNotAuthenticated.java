package tw.tongbao.gateway.security;

/** Thrown when a request carries no usable filer identity. */
public final class FilerNotAuthenticated extends RuntimeException {

    FilerNotAuthenticated(String why) {
        super(why);
    }
}
