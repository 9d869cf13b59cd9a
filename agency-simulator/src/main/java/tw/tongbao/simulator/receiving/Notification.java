package tw.tongbao.simulator.receiving;

import tw.tongbao.core.change.NationalId;

/**
 * The few facts of a delivery the simulator logs; never the payload itself.
 *
 * @param id the delivery id the body names (CloudEvent {@code id}), or null when the body names none
 * @param eventType e.g. {@code tw.tongbao.address.changed.v1}
 * @param receipt the change's receipt (CloudEvent {@code subject})
 * @param subjectRef the agency's pseudonym of the subject
 * @param subjectId the subject's national ID, where the agency is entitled to it
 */
record Notification(String id, String eventType, String receipt, String subjectRef, String subjectId) {

    /** The pseudonym shortened for logs: its first four characters. */
    String maskedSubjectRef() {
        if (subjectRef == null) {
            return "-";
        }
        return subjectRef.length() <= 4 ? "****" : subjectRef.substring(0, 4) + "…";
    }

    /** The national ID masked for logs ({@code A12****789}), or {@code -} when absent. */
    String maskedSubjectId() {
        if (subjectId == null) {
            return "-";
        }
        return NationalId.isValid(subjectId) ? new NationalId(subjectId).masked() : "(invalid)";
    }
}
