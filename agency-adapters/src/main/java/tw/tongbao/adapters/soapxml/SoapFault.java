package tw.tongbao.adapters.soapxml;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * A SOAP 1.1 fault read from an agency's answer.
 *
 * @param code the {@code faultcode}, e.g. {@code soap:Client}
 * @param reason the {@code faultstring}, possibly empty
 */
record SoapFault(String code, String reason) {

    private static final int MAX_REASON = 1000;
    private static final XMLInputFactory INPUT = secureInput();

    SoapFault {
        code = code == null ? "" : code.trim();
        reason = reason == null ? "" : reason.trim();
        reason = reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) : reason;
    }

    /** The fault in a SOAP 1.1 answer body, if it carries one. */
    static Optional<SoapFault> read(byte[] body) {
        if (body.length == 0 || cannotHoldAFault(body)) {
            return Optional.empty();
        }
        try {
            XMLStreamReader xml = INPUT.createXMLStreamReader(new ByteArrayInputStream(body));
            try {
                return readFault(xml);
            } finally {
                xml.close();
            }
        } catch (XMLStreamException | RuntimeException e) {
            // Not XML, or cut at the body limit: read the answer by its HTTP status instead.
            return Optional.empty();
        }
    }

    /**
     * Whether the body is certainly without a {@code Fault} element, told without parsing it: it is in an encoding in
     * which ASCII letters are their ASCII bytes (UTF-8, or another ASCII-compatible one: it starts, after an optional
     * UTF-8 byte order mark and white space, with {@code <} followed by a non-zero byte, which rules out UTF-16 and
     * UTF-32), and the bytes {@code Fault} occur nowhere in it. An element's name is always written out, never escaped,
     * so such a body has no element of that name. Every other body is parsed. Most answers are acknowledgements, and
     * creating a StAX reader for each was 4 to 5 % of the adapters' CPU under load.
     */
    static boolean cannotHoldAFault(byte[] body) {
        // ISO-8859-1 turns each byte into one char, so the text's positions and letters are the bytes'.
        String bytes = new String(body, StandardCharsets.ISO_8859_1);
        int i = bytes.startsWith("\u00EF\u00BB\u00BF") ? 3 : 0;
        while (i < bytes.length() && " \t\r\n".indexOf(bytes.charAt(i)) >= 0) {
            i++;
        }
        boolean asciiCompatible = i + 1 < bytes.length() && bytes.charAt(i) == '<' && bytes.charAt(i + 1) != 0;
        return asciiCompatible && !bytes.contains("Fault");
    }

    private static Optional<SoapFault> readFault(XMLStreamReader xml) throws XMLStreamException {
        boolean inFault = false;
        String code = null;
        String reason = null;
        while (xml.hasNext()) {
            int event = xml.next();
            if (event == XMLStreamReader.START_ELEMENT) {
                String name = xml.getLocalName();
                if (name.equals("Fault") && ChangeNotificationXml.SOAP_NS.equals(xml.getNamespaceURI())) {
                    inFault = true;
                } else if (inFault && name.equals("faultcode")) {
                    code = xml.getElementText();
                } else if (inFault && name.equals("faultstring")) {
                    reason = xml.getElementText();
                }
            } else if (event == XMLStreamReader.END_ELEMENT
                    && inFault
                    && xml.getLocalName().equals("Fault")) {
                break;
            }
        }
        return inFault && code != null ? Optional.of(new SoapFault(code, reason)) : Optional.empty();
    }

    /** Whether the agency blames the message ({@code Client}, or a {@code Client.*} subcode): never retried. */
    boolean blamesMessage() {
        return is("Client");
    }

    /** Whether the agency blames itself ({@code Server} or {@code Server.*}): retried. */
    boolean blamesAgency() {
        return is("Server");
    }

    private boolean is(String kind) {
        String local = code.substring(code.indexOf(':') + 1);
        return local.equals(kind) || local.startsWith(kind + ".");
    }

    private static XMLInputFactory secureInput() {
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        return factory;
    }
}
