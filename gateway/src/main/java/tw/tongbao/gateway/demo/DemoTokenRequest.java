package tw.tongbao.gateway.demo;

import java.util.List;

/**
 * What a tester asks the demo issuer for (JSON body of {@code POST /demo/token}); checked when the token is minted.
 *
 * @param sub the filer's national ID
 * @param name the filer's name
 * @param roles optional staff roles ({@code OPERATOR}, {@code AUDITOR})
 */
record DemoTokenRequest(String sub, String name, List<String> roles) {}
