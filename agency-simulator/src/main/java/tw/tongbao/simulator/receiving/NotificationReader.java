package tw.tongbao.simulator.receiving;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.core.agency.Protocol;

/** Reads the logged facts out of a CloudEvent (rest-json) or a SOAP {@code ChangeNotification} (soap-xml). */
final class NotificationReader {

    /** The SOAP 1.1 envelope namespace. */
    static final String SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/";
    /** The namespace of {@code ChangeNotification} (CONTRACT §5). */
    static final String TONGBAO_NS = "urn:tongbao:notification:v1";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private NotificationReader() {}

    static Notification read(Protocol protocol, byte[] body) throws UnreadableNotification {
        return switch (protocol) {
            case REST_JSON -> fromCloudEvent(body);
            case SOAP_XML -> fromSoap(body);
            case BATCH_CSV -> throw new IllegalArgumentException("batch-csv agencies take files, not requests");
        };
    }

    static Notification fromCloudEvent(byte[] body) throws UnreadableNotification {
        JsonNode event;
        try {
            event = JSON.readTree(body);
        } catch (JacksonException e) {
            throw new UnreadableNotification("body is not JSON");
        }
        if (event == null || !event.isObject()) {
            throw new UnreadableNotification("body is not a JSON object");
        }
        if (!"1.0".equals(text(event, "specversion"))) {
            throw new UnreadableNotification("specversion must be 1.0");
        }
        String id = text(event, "id");
        String type = text(event, "type");
        if (id == null || type == null) {
            throw new UnreadableNotification("a CloudEvent needs id and type");
        }
        JsonNode data = event.path("data");
        return new Notification(id, type, text(event, "subject"), text(data, "subjectRef"), text(data, "subjectId"));
    }

    static Notification fromSoap(byte[] body) throws UnreadableNotification {
        Document document = parse(body);
        Element envelope = document.getDocumentElement();
        if (!"Envelope".equals(envelope.getLocalName()) || !SOAP_NS.equals(envelope.getNamespaceURI())) {
            throw new UnreadableNotification("not a SOAP 1.1 envelope");
        }
        NodeList notifications = envelope.getElementsByTagNameNS(TONGBAO_NS, "ChangeNotification");
        if (notifications.getLength() != 1) {
            throw new UnreadableNotification("the body must hold one ChangeNotification in " + TONGBAO_NS);
        }
        Element notification = (Element) notifications.item(0);
        String type = first(notification, "type", "eventType");
        if (type == null) {
            throw new UnreadableNotification("ChangeNotification has no type");
        }
        return new Notification(
                first(notification, "id", "deliveryId"),
                type,
                first(notification, "subject", "receipt"),
                first(notification, "subjectRef"),
                first(notification, "subjectId"));
    }

    private static Document parse(byte[] body) throws UnreadableNotification {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            // No DTDs and no external entities: an agency must not be open to XXE.
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(new DefaultHandler()); // fatal errors throw; nothing is printed
            return builder.parse(new ByteArrayInputStream(body));
        } catch (SAXException | IOException e) {
            throw new UnreadableNotification("body is not well-formed XML");
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the XML parser cannot be configured safely", e);
        }
    }

    /** The text of the first element under {@code parent} with one of these local names, any namespace. */
    private static String first(Element parent, String... localNames) {
        for (String name : localNames) {
            NodeList found = parent.getElementsByTagNameNS("*", name);
            if (found.getLength() > 0) {
                String text = found.item(0).getTextContent();
                return text == null || text.isBlank() ? null : text.trim();
            }
        }
        return null;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isString() ? value.stringValue() : null;
    }
}
