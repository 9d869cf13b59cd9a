package tw.tongbao.adapters.soapxml;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The fault in an agency's answer, whatever the encoding, and the answers read without a parser. */
class SoapFaultTests {

    private static final String FAULT = "<soap:Fault><faultcode>soap:Client.Validation</faultcode>"
            + "<faultstring>地址不完整</faultstring></soap:Fault>";

    @Test
    void readsAFaultInUtf8() {
        byte[] body = envelope("UTF-8", FAULT).getBytes(StandardCharsets.UTF_8);

        assertThat(SoapFault.cannotHoldAFault(body)).isFalse();
        assertThat(SoapFault.read(body)).contains(new SoapFault("soap:Client.Validation", "地址不完整"));
    }

    @Test
    void readsAFaultAfterAByteOrderMarkAndWhiteSpace() {
        // White space may come first only where there is no XML declaration (which must open the document).
        byte[] text = ("\r\n  " + envelope(null, FAULT)).getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[text.length + 3];
        body[0] = (byte) 0xEF;
        body[1] = (byte) 0xBB;
        body[2] = (byte) 0xBF;
        System.arraycopy(text, 0, body, 3, text.length);

        assertThat(SoapFault.read(body)).contains(new SoapFault("soap:Client.Validation", "地址不完整"));
    }

    @Test
    void readsAFaultInUtf16WithAndWithoutAByteOrderMark() {
        // Java's UTF-16 writes a byte order mark; UTF-16LE does not, and its "<" is followed by a zero byte.
        for (String encoding : new String[] {"UTF-16", "UTF-16LE"}) {
            byte[] body = envelope(encoding, FAULT).getBytes(Charset.forName(encoding));

            assertThat(SoapFault.cannotHoldAFault(body)).as(encoding).isFalse();
            assertThat(SoapFault.read(body)).as(encoding).contains(new SoapFault("soap:Client.Validation", "地址不完整"));
        }
    }

    @Test
    void readsAnAcknowledgementWithoutParsingIt() {
        byte[] body = envelope("UTF-8", "<ack:Received xmlns:ack=\"urn:agency\">ok</ack:Received>")
                .getBytes(StandardCharsets.UTF_8);

        assertThat(SoapFault.cannotHoldAFault(body)).isTrue();
        assertThat(SoapFault.read(body)).isEmpty();
    }

    @Test
    void parsesAnAnswerThatMentionsAFaultOutsideAFaultElement() {
        byte[] body = envelope("UTF-8", "<ok>No Fault found</ok>").getBytes(StandardCharsets.UTF_8);

        assertThat(SoapFault.cannotHoldAFault(body)).isFalse();
        assertThat(SoapFault.read(body)).isEmpty();
    }

    @Test
    void parsesWhatDoesNotStartAsXml() {
        byte[] body = "Service Unavailable".getBytes(StandardCharsets.UTF_8);

        assertThat(SoapFault.cannotHoldAFault(body)).isFalse();
        assertThat(SoapFault.read(body)).isEmpty();
    }

    /** A SOAP envelope around {@code body}, with an XML declaration of {@code encoding} unless it is null. */
    private static String envelope(String encoding, String body) {
        return (encoding == null ? "" : "<?xml version=\"1.0\" encoding=\"" + encoding + "\"?>")
                + "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>"
                + body
                + "</soap:Body></soap:Envelope>";
    }
}
