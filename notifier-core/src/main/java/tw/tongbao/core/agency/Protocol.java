package tw.tongbao.core.agency;

/** How an agency's system takes deliveries. */
public enum Protocol {
    /** CloudEvents 1.0 structured JSON over HTTP POST, Standard Webhooks signed. */
    REST_JSON,
    /** A SOAP 1.1 envelope over HTTP POST, Standard Webhooks signed. */
    SOAP_XML,
    /** Rows in CSV files dropped into a directory. */
    BATCH_CSV
}
