package tw.tongbao.gateway.citizen;

import java.time.LocalDate;
import java.util.Map;
import java.util.Set;
import tw.tongbao.core.change.ChangeType;
import tw.tongbao.core.change.NationalId;

/**
 * A change request that passed every rule of the contract, with its data normalised (e.g. {@code 台} → {@code 臺}).
 *
 * @param type the change type
 * @param subject whose data changes
 * @param effectiveDate when the change takes effect
 * @param data the type's data fields
 * @param chosenAgencies the consent-based agencies the citizen chose in {@code notify}
 */
record ChangeRequest(
        ChangeType type,
        NationalId subject,
        LocalDate effectiveDate,
        Map<String, Object> data,
        Set<String> chosenAgencies) {

    ChangeRequest {
        data = Map.copyOf(data);
        chosenAgencies = Set.copyOf(chosenAgencies);
    }
}
