package tw.tongbao.adapters.soapxml;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import tw.tongbao.core.change.AddressParts;
import tw.tongbao.core.envelope.Addressee;
import tw.tongbao.core.envelope.ChangeFiled;

/**
 * Writes the SOAP 1.1 envelope of a {@code ChangeNotification} (schema {@code schemas/change-notification-v1.xsd}):
 * the same fields as the CloudEvent's data, in the schema's order, each only when present in the entitled data.
 */
final class ChangeNotificationXml {

    static final String SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/";
    static final String NS = "urn:tongbao:notification:v1";

    private static final List<String> DATA_FIELDS = List.of(
            "subjectRef",
            "subjectId",
            "sequence",
            "effectiveDate",
            "name",
            "address",
            "previousAddress",
            "phone",
            "email",
            "dateOfDeath",
            "relationship",
            "romanizedName");
    private static final List<String> ADDRESS_PARTS = AddressParts.IN_ORDER;
    private static final XMLOutputFactory OUTPUT = XMLOutputFactory.newDefaultFactory();

    private ChangeNotificationXml() {}

    /** The envelope's exact UTF-8 bytes, as signed and sent; the same input always gives the same bytes. */
    static byte[] bytes(ChangeFiled change, Addressee addressee, Map<String, Object> data) {
        // Written as characters and encoded once at the end: the JDK's UTF-8 stream writer encodes char by char,
        // which was most of the cost of a notification with Chinese text.
        StringWriter out = new StringWriter(1024);
        try {
            XMLStreamWriter xml = OUTPUT.createXMLStreamWriter(out);
            xml.writeStartDocument("UTF-8", "1.0");
            xml.writeStartElement("soap", "Envelope", SOAP_NS);
            xml.writeNamespace("soap", SOAP_NS);
            xml.writeStartElement("soap", "Body", SOAP_NS);
            xml.writeStartElement("", "ChangeNotification", NS);
            xml.writeDefaultNamespace(NS);
            text(xml, "deliveryId", addressee.deliveryId());
            text(xml, "eventType", change.type().eventType());
            text(xml, "receipt", change.receipt());
            text(xml, "submittedAt", change.submittedAt());
            for (String field : DATA_FIELDS) {
                Object value = data.get(field);
                if (value instanceof Map<?, ?> address) {
                    address(xml, field, address);
                } else if (value != null) {
                    text(xml, field, value);
                }
            }
            xml.writeEndDocument();
            xml.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot write a ChangeNotification", e);
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void address(XMLStreamWriter xml, String element, Map<?, ?> address) throws XMLStreamException {
        xml.writeStartElement("", element, NS);
        for (String part : ADDRESS_PARTS) {
            Object value = address.get(part);
            if (value != null) {
                text(xml, part, value);
            }
        }
        xml.writeEndElement();
    }

    private static void text(XMLStreamWriter xml, String element, Object value) throws XMLStreamException {
        String text = String.valueOf(value);
        requireXmlCharacters(element, text);
        xml.writeStartElement("", element, NS);
        xml.writeCharacters(text);
        xml.writeEndElement();
    }

    // The writer escapes markup but would pass control characters through, which no XML parser accepts.
    private static void requireXmlCharacters(String element, String text) {
        text.codePoints()
                .filter(c -> !(c == 0x9
                        || c == 0xA
                        || c == 0xD
                        || (c >= 0x20 && c <= 0xD7FF)
                        || (c >= 0xE000 && c <= 0xFFFD)
                        || (c >= 0x10000 && c <= 0x10FFFF)))
                .findFirst()
                .ifPresent(c -> {
                    throw new NotRepresentableInXml(element, c);
                });
    }

    /** Thrown when a value holds a character XML 1.0 cannot carry. */
    static final class NotRepresentableInXml extends IllegalArgumentException {
        NotRepresentableInXml(String element, int codePoint) {
            super(String.format("%s holds U+%04X, which XML 1.0 cannot carry", element, codePoint));
        }
    }
}
