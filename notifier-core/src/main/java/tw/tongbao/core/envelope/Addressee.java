package tw.tongbao.core.envelope;

import java.util.UUID;

/**
 * One agency a filed change is addressed to.
 *
 * @param agency the agency's code
 * @param deliveryId the delivery's id (= CloudEvent id = {@code webhook-id})
 * @param subjectRef the subject's pseudonym for this agency
 */
public record Addressee(String agency, UUID deliveryId, String subjectRef) {}
