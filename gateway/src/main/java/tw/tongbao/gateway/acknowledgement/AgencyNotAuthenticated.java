package tw.tongbao.gateway.acknowledgement;

/** Thrown when a request does not prove it comes from the agency it names. */
final class AgencyNotAuthenticated extends RuntimeException {

    AgencyNotAuthenticated(String why) {
        super(why);
    }
}
