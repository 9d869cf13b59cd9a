package tw.tongbao.gateway.operator;

/** No agency with this code is in the registry. */
class AgencyNotFound extends RuntimeException {

    AgencyNotFound(String code) {
        super("no agency " + code + " in the registry");
    }
}
