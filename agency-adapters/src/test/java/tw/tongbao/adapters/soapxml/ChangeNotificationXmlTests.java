package tw.tongbao.adapters.soapxml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import tw.tongbao.adapters.transport.OutboundDelivery;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.change.ChangeType;
import tw.tongbao.core.envelope.ChangeFiled;
import tw.tongbao.core.fixtures.Changes;

class ChangeNotificationXmlTests {

    private static final Agency EVERYTHING = SoapAgencies.entitledToEverything(URI.create("http://localhost/soap"));

    static Stream<ChangeFiled> everyType() {
        return Stream.of(
                Changes.addressChange("ALLF"),
                Changes.nameChange("ALLF"),
                Changes.contactChange("ALLF"),
                Changes.deathReport("ALLF"));
    }

    @ParameterizedTest
    @MethodSource("everyType")
    void writesEnvelopesTheSchemaAccepts(ChangeFiled change) throws Exception {
        byte[] xml = bytesOf(SoapAgencies.deliveryOf(change, EVERYTHING));

        Element notification = notificationIn(xml);

        assertThatCode(() -> schema().newValidator().validate(new DOMSource(notification)))
                .doesNotThrowAnyException();
        assertThat(text(notification, "eventType")).isEqualTo(change.type().eventType());
    }

    @Test
    void carriesTheFieldsInSchemaOrderAndOnlyThoseEntitled() throws Exception {
        Agency mvdis = SoapAgencies.mvdis(URI.create("http://localhost/soap"));
        OutboundDelivery delivery = SoapAgencies.deliveryOf(Changes.addressChange("MVDIS"), mvdis);

        Element notification = notificationIn(bytesOf(delivery));

        assertThat(childNames(notification))
                .containsExactly(
                        "deliveryId",
                        "eventType",
                        "receipt",
                        "submittedAt",
                        "subjectRef",
                        "subjectId",
                        "sequence",
                        "effectiveDate",
                        "name",
                        "address");
        assertThat(text(notification, "deliveryId"))
                .isEqualTo(delivery.addressee().deliveryId().toString());
        assertThat(text(notification, "submittedAt")).isEqualTo("2026-11-26T09:00:00Z");
        Element address = (Element) notification
                .getElementsByTagNameNS(ChangeNotificationXml.NS, "address")
                .item(0);
        assertThat(childNames(address)).containsExactly("postalCode", "city", "district", "street", "number", "floor");
        assertThat(text(address, "city")).isEqualTo("臺北市");
    }

    @Test
    void escapesMarkupInValues() throws Exception {
        ChangeFiled change =
                Changes.filed(ChangeType.NAME_CHANGE, "A123456789", 4, Map.of("name", "<王&小明>\"'"), "ALLF");

        Element notification = notificationIn(bytesOf(SoapAgencies.deliveryOf(change, EVERYTHING)));

        assertThat(text(notification, "name")).isEqualTo("<王&小明>\"'");
    }

    @Test
    void writesTheSameBytesForTheSameDelivery() {
        OutboundDelivery delivery = SoapAgencies.deliveryOf(Changes.addressChange("ALLF"), EVERYTHING);

        assertThat(bytesOf(delivery)).isEqualTo(bytesOf(delivery));
    }

    @Test
    void carriesChineseTextAsUtf8UnderAUtf8Declaration() {
        String xml = new String(
                bytesOf(SoapAgencies.deliveryOf(Changes.addressChange("ALLF"), EVERYTHING)), StandardCharsets.UTF_8);

        assertThat(xml).startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>").contains("臺北市");
        assertThat(xml).doesNotContain("&#");
    }

    @Test
    void refusesCharactersXmlCannotCarry() {
        Map<String, Object> address = new LinkedHashMap<>(Changes.address());
        address.put("street", "羅斯福路\u0001四段");
        ChangeFiled change =
                Changes.filed(ChangeType.ADDRESS_CHANGE, "A123456789", 3, Map.of("address", address), "ALLF");

        assertThatThrownBy(() -> bytesOf(SoapAgencies.deliveryOf(change, EVERYTHING)))
                .isInstanceOf(ChangeNotificationXml.NotRepresentableInXml.class)
                .hasMessage("street holds U+0001, which XML 1.0 cannot carry");
    }

    static byte[] bytesOf(OutboundDelivery delivery) {
        return ChangeNotificationXml.bytes(delivery.change(), delivery.addressee(), delivery.data());
    }

    static Schema schema() throws Exception {
        return SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI)
                .newSchema(ChangeNotificationXmlTests.class.getResource("/schemas/change-notification-v1.xsd"));
    }

    /** Parses the envelope, checks its SOAP 1.1 frame and returns the body's ChangeNotification. */
    static Element notificationIn(byte[] xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Document document = factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
        Element envelope = document.getDocumentElement();
        assertThat(envelope.getNamespaceURI()).isEqualTo("http://schemas.xmlsoap.org/soap/envelope/");
        assertThat(envelope.getLocalName()).isEqualTo("Envelope");
        List<Element> body = children(envelope);
        assertThat(body).singleElement().extracting(Element::getLocalName).isEqualTo("Body");
        List<Element> content = children(body.get(0));
        assertThat(content).singleElement().satisfies(element -> {
            assertThat(element.getNamespaceURI()).isEqualTo("urn:tongbao:notification:v1");
            assertThat(element.getLocalName()).isEqualTo("ChangeNotification");
        });
        return content.get(0);
    }

    static String text(Element parent, String child) {
        return parent.getElementsByTagNameNS(ChangeNotificationXml.NS, child)
                .item(0)
                .getTextContent();
    }

    static List<String> childNames(Element parent) {
        return children(parent).stream().map(Element::getLocalName).toList();
    }

    static List<Element> children(Element parent) {
        List<Element> elements = new ArrayList<>();
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element) {
                elements.add(element);
            }
        }
        return elements;
    }
}
