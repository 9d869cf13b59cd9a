package tw.tongbao.systemtests.support;

/** Where a test citizen's sign-in token comes from: the run's own issuer, or the gateway's demo issuer. */
interface TokenSource {

    /** A fresh token naming this citizen. */
    String token(String nationalId, String name);
}
